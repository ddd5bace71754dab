using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Propagation;
using ConsentGateway.Server.Propagation;
using ConsentGateway.Testing.Propagation;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ConsentGateway.Server.Tests;

/// <summary>
/// The self-host's in-process bus and its workers over the in-memory ports: fair turns per
/// subject, coalesced notices, redelivery and dead letters per notice, and what counts as in flight.
/// Reads of a "slow" account wait at a gate, so the order of events is set by the test, not by time.
/// </summary>
public sealed class InProcessBusTests : IAsyncDisposable
{
    private const int MaxDeliveryCount = 3;

    private readonly PropagationRig _rig = new();
    private readonly InProcessChangeBus _bus = new();
    private readonly FakeTimeProvider _time = new();
    private InProcessProjectionWorker? _worker;

    [Fact]
    public async Task A_backlog_of_one_account_delays_another_accounts_change_by_one_turn_at_most()
    {
        await StartAsync(workers: 1);
        var gate = await SlowAccountAsync("hot");
        await _rig.PutAccountAsync("other", "DE");

        var first = await PublishAsync("hot");
        await gate.ArrivalAsync();
        var backlog = await PublishManyAsync("hot", 999);
        var other = await PublishAsync("other");

        // The only worker finishes the running turn, serves the other account, and only then
        // comes back for the backlog.
        gate.Let();
        await gate.ArrivalAsync();
        Assert.False(_rig.IsPending(other.IntentId));
        Assert.False(_rig.IsPending(first.IntentId));
        Assert.All(backlog, notice => Assert.True(_rig.IsPending(notice.IntentId)));

        gate.Open();
        await EventuallyAsync(() => !backlog.Exists(notice => _rig.IsPending(notice.IntentId)));
    }

    [Fact]
    public async Task A_subject_has_one_notice_in_flight_however_long_its_backlog()
    {
        await StartAsync(workers: 4);
        var gate = await SlowAccountAsync("hot");
        var first = await PublishAsync("hot");
        await gate.ArrivalAsync();
        var backlog = await PublishManyAsync("hot", 999);

        var others = new List<ChangeNotice>();
        for (var i = 0; i < 20; i++)
        {
            await _rig.PutAccountAsync($"other-{i}", "US");
            others.Add(await PublishAsync($"other-{i}"));
        }

        await EventuallyAsync(() => !others.Exists(notice => _rig.IsPending(notice.IntentId)));
        Assert.Equal(1, gate.Arrived);
        Assert.True(_bus.Contains(first.IntentId));
        Assert.DoesNotContain(backlog, notice => _bus.Contains(notice.IntentId));
        Assert.DoesNotContain(others, notice => _bus.Contains(notice.IntentId));

        gate.Open();
        await EventuallyAsync(() => !backlog.Exists(notice => _rig.IsPending(notice.IntentId)));
        Assert.False(_bus.Contains(first.IntentId));
    }

    [Fact]
    public async Task Notices_that_waited_together_are_projected_once_per_turn_and_every_intent_is_cleared()
    {
        await StartAsync(workers: 1);
        await _rig.PutAccountAsync("hot", "DE");
        for (var version = 1; version <= 40; version++)
        {
            await _rig.ChangeSettingAsync("hot", version, enabled: version % 2 == 0);
        }

        var gate = _rig.Accounts.HoldReadsOf("hot");
        var notices = new List<ChangeNotice> { await PublishAsync("hot", ChangeKind.Setting, 1) };
        await gate.ArrivalAsync();
        for (var version = 2; version <= 40; version++)
        {
            notices.Add(await PublishAsync("hot", ChangeKind.Setting, version));
        }

        gate.Open();
        await EventuallyAsync(() => !notices.Exists(notice => _rig.IsPending(notice.IntentId)));

        Assert.Equal(40, _rig.Projections.Account("hot")?.SettingVersion);
        Assert.True(gate.Arrived < notices.Count / 4, $"{gate.Arrived} projections for {notices.Count} notices");
    }

    [Fact]
    public async Task A_failed_turn_is_delivered_again_per_notice_and_each_notice_is_dead_lettered_at_the_maximum()
    {
        await StartAsync(workers: 1);
        var gate = await SlowAccountAsync("hot");
        _rig.Projections.FailNextWrites(int.MaxValue);
        var first = await PublishAsync("hot");
        await gate.ArrivalAsync();
        var second = await PublishAsync("hot");
        gate.Open();

        // The two notices fail apart first, then (their pauses ending together) in one turn, each counting its own deliveries.
        await AdvanceUntilAsync(() => _rig.DeadLettered == 2);

        Assert.True(_rig.IsPending(first.IntentId));
        Assert.True(_rig.IsPending(second.IntentId));
        Assert.False(_bus.Contains(first.IntentId));
        Assert.False(_bus.Contains(second.IntentId));
        // Every notice was delivered the maximum number of times, the first ones apart, later ones together or not.
        Assert.InRange(gate.Arrived, MaxDeliveryCount + 1, 2 * MaxDeliveryCount);
    }

    [Fact]
    public async Task A_notice_is_in_flight_while_delivered_and_while_waiting_to_be_delivered_again_not_while_queued()
    {
        await StartAsync(workers: 1);
        var gate = await SlowAccountAsync("hot");
        _rig.Projections.FailNextWrites(1);
        var running = await PublishAsync("hot");
        await gate.ArrivalAsync();
        var queued = await PublishAsync("hot");
        Assert.True(_bus.Contains(running.IntentId));
        Assert.False(_bus.Contains(queued.IntentId));

        // The first delivery fails; the second notice runs while the first waits out its pause.
        gate.Let();
        await gate.ArrivalAsync();
        Assert.True(_bus.Contains(running.IntentId));
        Assert.True(_bus.Contains(queued.IntentId));
        gate.Let();
        await EventuallyAsync(() => !_rig.IsPending(queued.IntentId));
        Assert.True(_bus.Contains(running.IntentId));

        // Its pause over, it is delivered again and projected.
        gate.Let();
        await AdvanceUntilAsync(() => !_rig.IsPending(running.IntentId));
        await EventuallyAsync(() => !_bus.Contains(running.IntentId));
        Assert.Equal(0, _rig.DeadLettered);
    }

    public async ValueTask DisposeAsync()
    {
        if (_worker is not null)
        {
            await _worker.StopAsync(CancellationToken.None);
            _worker.Dispose();
        }

        _rig.Dispose();
    }

    private async Task StartAsync(int workers)
    {
        var options = Options.Create(new PropagationOptions { Workers = workers, MaxDeliveryCount = MaxDeliveryCount });
        _worker = new InProcessProjectionWorker(_bus, _rig.Consumer, options, _time, NullLogger<InProcessProjectionWorker>.Instance);
        await _worker.StartAsync(CancellationToken.None);
    }

    private async Task<Gate> SlowAccountAsync(string userId)
    {
        await _rig.PutAccountAsync(userId, "DE");
        return _rig.Accounts.HoldReadsOf(userId);
    }

    private async Task<ChangeNotice> PublishAsync(string userId, ChangeKind kind = ChangeKind.Account, long version = 1)
    {
        var notice = await _rig.NoticeAsync(kind, userId, version);
        await _bus.PublishAsync(notice, CancellationToken.None);
        return notice;
    }

    private async Task<List<ChangeNotice>> PublishManyAsync(string userId, int count)
    {
        var notices = new List<ChangeNotice>(count);
        for (var i = 0; i < count; i++)
        {
            notices.Add(await PublishAsync(userId));
        }

        return notices;
    }

    // The workers run on the thread pool: wait for what they will do, never for a duration.
    private static async Task EventuallyAsync(Func<bool> condition)
    {
        for (var i = 0; i < 3_000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    // Redeliveries wait on the fake clock: move it on until the condition holds.
    private async Task AdvanceUntilAsync(Func<bool> condition) =>
        await EventuallyAsync(() =>
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            return condition();
        });
}
