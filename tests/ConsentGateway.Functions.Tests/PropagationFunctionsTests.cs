using ConsentGateway.Core.Projection;
using System.Text;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Propagation;
using ConsentGateway.Infrastructure.ServiceBus;
using ConsentGateway.Testing;
using ConsentGateway.Testing.Propagation;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Functions.Tests;

/// <summary>
/// The propagation functions called directly, as the worker calls them, over Core's real consumer,
/// projector and repairer on in-memory ports. Under auto-complete a normal return completes the
/// message and an exception abandons it, so "completes" and "throws" are what is asserted.
/// </summary>
public sealed class PropagationFunctionsTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly IOptions<PropagationOptions> Propagation = Options.Create(new PropagationOptions { MaxDeliveryCount = 3, RepairDelay = TimeSpan.FromSeconds(1) });

    private readonly PropagationRig _rig = new();
    private readonly ProjectChangeFunction _function;

    public PropagationFunctionsTests() =>
        _function = new ProjectChangeFunction(_rig.Consumer, Propagation, NullLogger<ProjectChangeFunction>.Instance);

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task A_notice_is_projected_and_the_function_returns_so_the_message_completes()
    {
        await _rig.PutAccountAsync("fn-user", "SE");
        var notice = await _rig.NoticeAsync(ChangeKind.Account, "fn-user", 1);

        await _function.ProjectChange(notice.ToJson(), notice.MessageId(TestPseudonyms.Shared), deliveryCount: 1, Ct);

        Assert.True(_rig.Projections.Account("fn-user")!.Exists);
        Assert.False(_rig.IsPending(notice.IntentId));
    }

    [Fact]
    public async Task A_malformed_body_returns_normally_so_it_completes_and_its_change_stays_for_repair()
    {
        var pending = await _rig.NoticeAsync(ChangeKind.Setting, "fn-user", 1);

        await _function.ProjectChange(Encoding.UTF8.GetBytes("""{"kind":"Setting","key":"fn-user"}"""), "setting/fn-user/1", deliveryCount: 1, Ct);

        Assert.Equal(1, _rig.Malformed);
        Assert.Equal(0, _rig.Projections.Writes);
        Assert.True(_rig.IsPending(pending.IntentId));
    }

    [Fact]
    public async Task A_failing_projection_throws_so_the_message_is_abandoned_and_dead_lettered_only_on_the_last_delivery()
    {
        await _rig.PutAccountAsync("fn-user", "SE");
        var notice = await _rig.NoticeAsync(ChangeKind.Account, "fn-user", 1);
        _rig.Projections.FailNextWrites(int.MaxValue);

        await Assert.ThrowsAsync<IOException>(() => _function.ProjectChange(notice.ToJson(), notice.MessageId(TestPseudonyms.Shared), deliveryCount: 2, Ct));
        Assert.Equal(0, _rig.DeadLettered);

        // The subscription's max delivery count is 3 here: this is the last delivery before the dead-letter queue.
        await Assert.ThrowsAsync<IOException>(() => _function.ProjectChange(notice.ToJson(), notice.MessageId(TestPseudonyms.Shared), deliveryCount: 3, Ct));
        Assert.Equal(1, _rig.DeadLettered);
        Assert.True(_rig.IsPending(notice.IntentId));
    }

    [Fact]
    public async Task Repair_republishes_an_unconfirmed_change_to_service_bus_and_its_delivery_projects_it()
    {
        // A change accepted while Service Bus was down: written, its intent recorded, no notice sent.
        await _rig.PutAccountAsync("fn-late", "DE");
        var intent = await _rig.Intents.RecordAsync(ChangeKind.Account, "fn-late", null, DateTimeOffset.UtcNow.AddMinutes(-1), Ct);
        var sender = new RecordingServiceBusSender();
        var repairer = new Repairer(_rig.Intents, new ServiceBusChangePublisher(sender, TestPseudonyms.Shared), _rig.Accounts, _rig.ChangeLog, TimeProvider.System, Propagation, Microsoft.Extensions.Options.Options.Create(new ChangeLogOptions()), _rig.Metrics, NullLogger<Repairer>.Instance);

        await new RepairFunction(repairer).Repair(timer: null!, Ct);

        var message = Assert.Single(sender.Sent);
        Assert.StartsWith("account-", message.MessageId, StringComparison.Ordinal);
        Assert.NotEqual(new ChangeNotice(ChangeKind.Account, "fn-late", 1, default, "any").MessageId(TestPseudonyms.Shared), message.MessageId);
        await _function.ProjectChange(message.Body.ToArray(), message.MessageId, deliveryCount: 1, Ct);
        Assert.True(_rig.Projections.Account("fn-late")!.Exists);
        Assert.False(_rig.IsPending(intent.Id));
    }

    [Fact]
    public async Task A_repair_run_that_cannot_publish_throws_so_the_host_records_the_failure_and_the_next_tick_retries()
    {
        await _rig.Intents.RecordAsync(ChangeKind.Device, "fn-device", null, DateTimeOffset.UtcNow.AddMinutes(-1), Ct);
        var sender = new RecordingServiceBusSender { FailWith = new IOException("Service Bus is unreachable (injected).") };
        var repairer = new Repairer(_rig.Intents, new ServiceBusChangePublisher(sender, TestPseudonyms.Shared), _rig.Accounts, _rig.ChangeLog, TimeProvider.System, Propagation, Microsoft.Extensions.Options.Options.Create(new ChangeLogOptions()), _rig.Metrics, NullLogger<Repairer>.Instance);

        await Assert.ThrowsAsync<IOException>(() => new RepairFunction(repairer).Repair(timer: null!, Ct));

        Assert.Equal(1, _rig.Intents.Count);
    }
}
