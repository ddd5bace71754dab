using ConsentGateway.Core.Projection;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Propagation;
using ConsentGateway.Server.Propagation;
using ConsentGateway.Testing.InMemory;
using ConsentGateway.Testing.Propagation;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ConsentGateway.Server.Tests;

/// <summary>
/// The self-host's repair timer at start: what was recorded before the process started cannot be
/// in flight in it, so it is published again at once, however much of it there is; what is
/// recorded afterwards waits for the repair delay as before. The clock is a fake that never moves
/// unless the test moves it, so "at once" means without any time passing.
/// </summary>
public sealed class RepairWorkerTests : IDisposable
{
    private static readonly IOptions<PropagationOptions> Propagation = Options.Create(new PropagationOptions());

    private readonly PropagationRig _rig = new();
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly ClearingPublisher _published;

    public RepairWorkerTests() => _published = new ClearingPublisher(_rig.Intents);

    public void Dispose() => _rig.Dispose();

    [Theory]
    [InlineData(3)]
    [InlineData(Repairer.BatchSize * 2 + 7)]
    public async Task Intents_recorded_before_the_start_are_published_again_at_once(int orphans)
    {
        for (var i = 0; i < orphans; i++)
        {
            await _rig.Intents.RecordAsync(ChangeKind.Device, $"d{i}", null, _time.GetUtcNow().AddTicks(-orphans + i), default);
        }

        using var worker = Worker();
        await worker.StartAsync(default);

        // A full batch leaves more: the next is a tenth of the timer period later, not a repair delay.
        await WaitUntilAsync(() => _published.Published.Count >= orphans, advanceEachPoll: Propagation.Value.EffectiveRepairDelay / 20);
        await worker.StopAsync(default);
        Assert.Equal(orphans, _published.Published.Select(notice => notice.IntentId).Distinct().Count());
        Assert.True(_time.GetUtcNow() - Start < Propagation.Value.EffectiveRepairDelay, "the intents from before the start waited for the repair delay");
    }

    [Fact]
    public async Task Intents_recorded_after_the_start_wait_for_the_repair_delay()
    {
        await _rig.Intents.RecordAsync(ChangeKind.Device, "early", null, _time.GetUtcNow().AddTicks(-1), default);
        using var worker = Worker();
        await worker.StartAsync(default);
        await WaitUntilAsync(() => !_published.Published.IsEmpty);
        await _rig.Intents.RecordAsync(ChangeKind.Device, "late", null, _time.GetUtcNow(), default);

        // One timer period (half the delay): the run finds the intent too young.
        _time.Advance(Propagation.Value.EffectiveRepairDelay / 2);
        await Task.Delay(100);
        Assert.Equal(["early"], _published.Published.Select(notice => notice.Key));

        _time.Advance(Propagation.Value.EffectiveRepairDelay);
        await WaitUntilAsync(() => _published.Published.Count == 2);
        await worker.StopAsync(default);
        Assert.Equal(["early", "late"], _published.Published.Select(notice => notice.Key));
    }

    private RepairWorker Worker()
    {
        var repairer = new Repairer(_rig.Intents, _published, _rig.Accounts, _rig.ChangeLog, _time, Propagation, Options.Create(new ChangeLogOptions()), _rig.Metrics, NullLogger<Repairer>.Instance);
        return new RepairWorker(repairer, _time, Propagation, NullLogger<RepairWorker>.Instance);
    }

    private async Task WaitUntilAsync(Func<bool> condition, TimeSpan advanceEachPoll = default)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
            _time.Advance(advanceEachPoll);
        }

        Assert.True(condition(), "the condition did not hold within 5 s of real time");
    }

    /// <summary>A transport whose consumer projects at once: each notice it takes clears its intent.</summary>
    private sealed class ClearingPublisher(InMemoryIntentLog intents) : IChangePublisher
    {
        public System.Collections.Concurrent.ConcurrentQueue<ChangeNotice> Published { get; } = new();

        public async Task PublishAsync(ChangeNotice notice, CancellationToken cancellationToken)
        {
            Published.Enqueue(notice);
            await intents.ClearAsync(notice.IntentId, cancellationToken);
        }
    }
}
