using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Azure.Messaging.ServiceBus;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Policy;
using ConsentGateway.Core.Projection;
using ConsentGateway.Core.Propagation;
using ConsentGateway.Testing.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ConsentGateway.Infrastructure.Tests.ServiceBus;

// The Service Bus side of the propagation tests: a recording ServiceBusSender, two small
// decorators over the shared in-memory ports (a lagging read, failing writes), and the Core
// projector and consumer wired over them. Also compiled into ConsentGateway.Functions.Tests
// (linked), so there is one copy.

/// <summary>A ServiceBusSender that records what it is asked to send (the SDK's types are mockable by design).</summary>
public sealed class RecordingServiceBusSender(string entityPath = "consent-changes") : ServiceBusSender
{
    private readonly ConcurrentQueue<ServiceBusMessage> _sent = new();

    public IReadOnlyList<ServiceBusMessage> Sent => [.. _sent];

    public override string EntityPath => entityPath;

    /// <summary>While set, every send fails with it (a Service Bus outage).</summary>
    public Exception? FailWith { get; set; }

    public override Task SendMessageAsync(ServiceBusMessage message, CancellationToken cancellationToken = default)
    {
        if (FailWith is { } failure)
        {
            return Task.FromException(failure);
        }

        _sent.Enqueue(message);
        return Task.CompletedTask;
    }

    // No connection to close (the base would dereference the one a real sender has); DisposeAsync calls this.
    public override Task CloseAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
}

/// <summary>An account store whose next read of an account can return an older state (a lagging read).</summary>
public sealed class LaggingAccountStore(IAccountStore inner) : IAccountStore
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<AccountRecord>> _stale = new(StringComparer.Ordinal);

    public void ServeStaleOnce(AccountRecord stale) => _stale.GetOrAdd(stale.UserId, _ => new()).Enqueue(stale);

    public Task<AccountRecord?> FindAsync(string userId, CancellationToken cancellationToken) =>
        _stale.TryGetValue(userId, out var queue) && queue.TryDequeue(out var old) ? Task.FromResult<AccountRecord?>(old) : inner.FindAsync(userId, cancellationToken);

    public Task<AccountRecord?> TryWriteAccountAsync(AccountRecord proposed, SettingChange? change, CancellationToken cancellationToken) => inner.TryWriteAccountAsync(proposed, change, cancellationToken);

    public Task<bool> TryAppendChangeAsync(string userId, SettingChange change, CancellationToken cancellationToken) => inner.TryAppendChangeAsync(userId, change, cancellationToken);

    public Task<IReadOnlyList<SettingChange>> GetHistoryAsync(string userId, CancellationToken cancellationToken) => inner.GetHistoryAsync(userId, cancellationToken);

    public Task AddDeviceLinkAsync(string userId, string adId, DateTimeOffset at, CancellationToken cancellationToken) => inner.AddDeviceLinkAsync(userId, adId, at, cancellationToken);

}

/// <summary>A projection store that counts successful writes and can fail the next ones (the projector then throws).</summary>
public sealed class FlakyProjectionStore(IProjectionStore inner) : IProjectionStore
{
    private int _writes;
    private int _failures;

    public int Writes => Volatile.Read(ref _writes);

    public void FailNextWrites(int count) => Volatile.Write(ref _failures, count);

    public AccountProjection? Account(string userId) => inner.GetAccountAsync(userId, CancellationToken.None).GetAwaiter().GetResult()?.Value;

    public DeviceProjection? Device(string adId) => inner.GetDeviceAsync(adId, CancellationToken.None).GetAwaiter().GetResult()?.Value;

    public Task<Stored<AccountProjection>?> GetAccountAsync(string userId, CancellationToken cancellationToken) => inner.GetAccountAsync(userId, cancellationToken);

    public Task<Stored<DeviceProjection>?> GetDeviceAsync(string adId, CancellationToken cancellationToken) => inner.GetDeviceAsync(adId, cancellationToken);

    public Task<string?> TryPutAccountAsync(AccountProjection projection, string? expectedToken, CancellationToken cancellationToken) =>
        CountAsync(() => inner.TryPutAccountAsync(projection, expectedToken, cancellationToken));

    public Task<string?> TryPutDeviceAsync(DeviceProjection projection, string? expectedToken, CancellationToken cancellationToken) =>
        CountAsync(() => inner.TryPutDeviceAsync(projection, expectedToken, cancellationToken));

    private async Task<string?> CountAsync(Func<Task<string?>> put)
    {
        if (Interlocked.Decrement(ref _failures) >= 0)
        {
            throw new IOException("The projection store is unavailable (injected).");
        }

        var written = await put();
        if (written is not null)
        {
            Interlocked.Increment(ref _writes);
        }

        return written;
    }
}

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
        Projector = new Projector(Accounts, Devices, Projections, Intents, TimeProvider.System, Metrics);
        Consumer = new ChangeNoticeConsumer(Projector, Metrics, NullLogger<ChangeNoticeConsumer>.Instance);
    }

    public LaggingAccountStore Accounts { get; } = new(new InMemoryAccountStore());

    public InMemoryDeviceStore Devices { get; } = new();

    public FlakyProjectionStore Projections { get; } = new(new InMemoryProjectionStore());

    public InMemoryIntentLog Intents { get; } = new();

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
