using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Propagation;
using ConsentGateway.Testing.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ConsentGateway.Http.Tests;

/// <summary>Readiness of the decision cache: how long since it last knew every change, against the decision budget.</summary>
public sealed class DecisionCacheHealthCheckTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly SubjectCache _cache;
    private readonly DecisionCacheHealthCheck _check;

    public DecisionCacheHealthCheckTests()
    {
        _cache = new SubjectCache(new InMemoryProjectionStore(), new InMemoryAccountStore(), new InMemoryDeviceStore(), _time, Options.Create(new EvaluationOptions()),
            Options.Create(new PropagationOptions { StalenessBound = TimeSpan.FromSeconds(60) }), Options.Create(new AccountsOptions()),
            new EvaluationMetrics(_meters.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), NullLogger<SubjectCache>.Instance);
        _check = new DecisionCacheHealthCheck(_cache, _time);
    }

    public void Dispose() => _meters.Dispose();

    [Fact]
    public async Task A_cache_that_never_learnt_of_changes_is_not_ready()
    {
        Assert.Equal(HealthStatus.Unhealthy, (await CheckAsync()).Status);
    }

    [Fact]
    public async Task Ready_within_half_the_budget_degraded_beyond_it_not_ready_beyond_the_budget()
    {
        _cache.ChangesWatchedThrough(_time.GetTimestamp());
        _time.Advance(_cache.Budget / 2);
        var halfway = await CheckAsync();
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var behind = await CheckAsync();
        _time.Advance(_cache.Budget / 2);
        var beyond = await CheckAsync();
        _cache.ChangesWatchedThrough(_time.GetTimestamp());
        var caughtUp = await CheckAsync();

        Assert.Equal(HealthStatus.Healthy, halfway.Status);
        Assert.Equal(HealthStatus.Degraded, behind.Status);
        Assert.Equal(HealthStatus.Unhealthy, beyond.Status);
        Assert.Equal(_cache.Budget.TotalSeconds + 0.001, (double)beyond.Data["lagSeconds"], 3);
        Assert.Equal(HealthStatus.Healthy, caughtUp.Status);
    }

    private Task<HealthCheckResult> CheckAsync() =>
        _check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration(DecisionCacheHealthCheck.Name, _check, null, null) });
}
