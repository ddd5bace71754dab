using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Propagation;
using ConsentGateway.Server.Propagation;
using ConsentGateway.Testing.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ConsentGateway.Server.Tests;

/// <summary>
/// The self-host's word to its decision cache: every change is known up to now, unless a change
/// published here has waited for its projection longer than propagation may take.
/// </summary>
public sealed class ProjectionWatermarkTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(8);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InProcessChangeBus _bus = new();
    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly SubjectCache _cache;
    private readonly ProjectionWatermark _watermark;

    public ProjectionWatermarkTests()
    {
        var propagation = Options.Create(new PropagationOptions { StalenessBound = Bound });
        _cache = new SubjectCache(new InMemoryProjectionStore(), new InMemoryAccountStore(), new InMemoryDeviceStore(), _time, Options.Create(new EvaluationOptions()),
            propagation, Options.Create(new AccountsOptions()), new EvaluationMetrics(_meters.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), NullLogger<SubjectCache>.Instance);
        _watermark = new ProjectionWatermark(_bus, _cache, _time, propagation);
    }

    public void Dispose() => _meters.Dispose();

    [Fact]
    public void With_every_change_projected_the_cache_knows_every_change_up_to_now()
    {
        _time.Advance(TimeSpan.FromMinutes(1));
        _watermark.Advance();

        Assert.Equal(_time.GetTimestamp(), _cache.ChangesKnownThrough);
    }

    [Fact]
    public async Task A_change_waiting_longer_than_propagation_may_take_holds_the_watermark_back_until_it_is_projected()
    {
        await _bus.PublishAsync(Notice("intent-1", _time.GetUtcNow()), default);
        _time.Advance(_watermark.PropagationAllowance);
        _watermark.Advance();
        var inTime = _cache.ChangesKnownThrough;

        _time.Advance(TimeSpan.FromSeconds(3));
        _watermark.Advance();
        var heldBack = _time.GetElapsedTime(_cache.ChangesKnownThrough);

        await DeliverAsync(projected: true);
        _watermark.Advance();

        Assert.Equal(_time.GetTimestamp() - (long)(3 * _time.TimestampFrequency), inTime);
        Assert.Equal(TimeSpan.FromSeconds(3), heldBack);
        Assert.Equal(_time.GetTimestamp(), _cache.ChangesKnownThrough);
        Assert.Null(_bus.OldestUnprojected());
    }

    [Fact]
    public async Task A_notice_given_up_on_stays_unprojected_until_repairs_notice_of_it_is_projected()
    {
        var acceptedAt = _time.GetUtcNow();
        await _bus.PublishAsync(Notice("intent-1", acceptedAt), default);
        await DeliverAsync(projected: false);
        var givenUp = _bus.OldestUnprojected();

        // Repair publishes the intent again, with the time the change was accepted.
        await _bus.PublishAsync(Notice("intent-1", acceptedAt), default);
        await DeliverAsync(projected: true);

        Assert.Equal(acceptedAt, givenUp);
        Assert.Null(_bus.OldestUnprojected());
    }

    [Fact]
    public async Task A_write_that_threw_holds_the_watermark_back_until_repairs_notice_of_its_intent_is_projected()
    {
        var recordedAt = _time.GetUtcNow();
        _bus.Unconfirmed(new Intent("intent-1", ChangeKind.Setting, "u1", recordedAt, null));
        _time.Advance(_watermark.PropagationAllowance + TimeSpan.FromSeconds(2));
        _watermark.Advance();
        var heldBack = _time.GetElapsedTime(_cache.ChangesKnownThrough);

        await _bus.PublishAsync(Notice("intent-1", recordedAt), default);
        await DeliverAsync(projected: true);
        _watermark.Advance();

        Assert.Equal(TimeSpan.FromSeconds(2), heldBack);
        Assert.Equal(_time.GetTimestamp(), _cache.ChangesKnownThrough);
    }

    [Fact]
    public void Propagation_may_take_the_bound_less_the_decision_budget()
    {
        Assert.Equal(Bound - _cache.Budget, _watermark.PropagationAllowance);
    }

    // What the projection worker does with one turn.
    private async Task DeliverAsync(bool projected)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var turn = await _bus.NextTurnAsync(timeout.Token);
        _bus.Settle(turn, projected);
        _bus.EndTurn(turn[0].Subject);
    }

    private static ChangeNotice Notice(string intentId, DateTimeOffset acceptedAt) => new(ChangeKind.Setting, "u1", 1, acceptedAt, intentId);
}
