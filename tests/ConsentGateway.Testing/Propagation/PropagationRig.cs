using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Policy;
using ConsentGateway.Core.Propagation;
using ConsentGateway.Testing.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace ConsentGateway.Testing.Propagation;

// Also compiled into ConsentGateway.Functions.Tests (linked), so there is one copy.

/// <summary>
/// The projector and consumer from Core over the in-memory ports, with the propagation counters
/// read back from their own meter factory (so tests running in parallel do not see each other's).
/// </summary>
public sealed class PropagationRig : IDisposable
{
    private static readonly DateTimeOffset SignedUpAt = new(2022, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _metricsServices = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _counters = new(StringComparer.Ordinal);

    public PropagationRig()
    {
        var meterFactory = _metricsServices.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PropagationMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, meterFactory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => _counters.AddOrUpdate(instrument.Name, value, (_, total) => total + value));
        _listener.Start();

        Metrics = new PropagationMetrics(meterFactory);
        Projector = new Projector(Accounts, Devices, Projections, Intents, ChangeLog, [], TimeProvider.System, Metrics, Microsoft.Extensions.Options.Options.Create(new AccountsOptions()));
        Consumer = new ChangeNoticeConsumer(Projector, Intents, TimeProvider.System, Metrics, NullLogger<ChangeNoticeConsumer>.Instance);
    }

    public LaggingAccountStore Accounts { get; } = new(new InMemoryAccountStore());

    public InMemoryDeviceStore Devices { get; } = new();

    public FlakyProjectionStore Projections { get; } = new(new InMemoryProjectionStore());

    public InMemoryIntentLog Intents { get; } = new();

    public InMemoryChangeLog ChangeLog { get; } = new();

    public PropagationMetrics Metrics { get; }

    public Projector Projector { get; }

    public ChangeNoticeConsumer Consumer { get; }

    public long DeadLettered => _counters.GetValueOrDefault("consent.propagation.dead_lettered");

    public long Malformed => _counters.GetValueOrDefault("consent.propagation.malformed");

    /// <summary>Writes the account's facts as the write side would; returns it as read back.</summary>
    public async Task<AccountRecord> PutAccountAsync(string userId, string country, long revision = 1)
    {
        var current = await Accounts.FindAsync(userId, CancellationToken.None);
        var proposed = new AccountRecord(userId, CountryCode.Parse(country), SignedUpAt, revision, null, 0, null, false, current?.ConcurrencyToken);
        _ = await Accounts.TryWriteAccountAsync(proposed, null, CancellationToken.None) ?? throw new InvalidOperationException("Lost a race in a single-threaded test.");
        return (await Accounts.FindAsync(userId, CancellationToken.None))!;
    }

    /// <summary>Appends a setting change as the write side would; returns the account as read back.</summary>
    public async Task<AccountRecord> ChangeSettingAsync(string userId, long version, bool enabled)
    {
        Assert.True(await Accounts.TryAppendChangeAsync(userId, new SettingChange(version, enabled, DateTimeOffset.UtcNow, ChangeChannel.User, "2020-04-06"), CancellationToken.None));
        return (await Accounts.FindAsync(userId, CancellationToken.None))!;
    }

    /// <summary>Records an intent for the change (as the write side does) and returns its notice.</summary>
    public async Task<ChangeNotice> NoticeAsync(ChangeKind kind, string key, long version, string? linkedUserId = null)
    {
        var intent = await Intents.RecordAsync(kind, key, linkedUserId, DateTimeOffset.UtcNow, CancellationToken.None);
        return new ChangeNotice(kind, key, version, intent.RecordedAt, intent.Id, linkedUserId);
    }

    public bool IsPending(string intentId) =>
        Intents.GetPendingAsync(DateTimeOffset.MaxValue, int.MaxValue, CancellationToken.None).GetAwaiter().GetResult().Any(i => i.Id == intentId);

    public void Dispose()
    {
        _listener.Dispose();
        Metrics.Dispose();
        _metricsServices.Dispose();
    }
}
