using System.Collections.Concurrent;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Projection;

namespace ConsentGateway.Testing.InMemory;

/// <summary>
/// In-memory versions of the Core ports with the same concurrency contracts as the Table
/// stores (tokens, unique versions), for fast tests of the use cases and the projector.
/// Each port also has an integration test against Azurite.
/// </summary>
public sealed class InMemoryAccountStore : IAccountStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (AccountRecord Facts, int Token)> _accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedList<long, SettingChange>> _history = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, bool>> _links = new(StringComparer.Ordinal);
    private int _tokens;

    public Task<AccountRecord?> FindAsync(string userId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_accounts.TryGetValue(userId, out var stored))
            {
                return Task.FromResult<AccountRecord?>(null);
            }

            var newest = _history.TryGetValue(userId, out var changes) && changes.Count > 0 ? changes.Values[^1] : null;
            return Task.FromResult<AccountRecord?>(stored.Facts with
            {
                Setting = newest?.Enabled,
                SettingVersion = newest?.Version ?? 0,
                SettingUpdatedAt = newest?.At,
                ConcurrencyToken = stored.Token.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
        }
    }

    public Task<AccountRecord?> TryWriteAccountAsync(AccountRecord proposed, SettingChange? change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(proposed);
        lock (_gate)
        {
            var exists = _accounts.TryGetValue(proposed.UserId, out var stored);
            var matches = proposed.ConcurrencyToken is null ? !exists : exists && stored.Token.ToString(System.Globalization.CultureInfo.InvariantCulture) == proposed.ConcurrencyToken;
            if (!matches || (change is not null && HistoryOf(proposed.UserId).ContainsKey(change.Version)))
            {
                return Task.FromResult<AccountRecord?>(null);
            }

            var token = ++_tokens;
            _accounts[proposed.UserId] = (proposed, token);
            if (change is not null)
            {
                HistoryOf(proposed.UserId).Add(change.Version, change);
            }

            return Task.FromResult<AccountRecord?>(proposed with { ConcurrencyToken = token.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }
    }

    public Task<bool> TryAppendChangeAsync(string userId, SettingChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_gate)
        {
            return Task.FromResult(HistoryOf(userId).TryAdd(change.Version, change));
        }
    }

    public Task<IReadOnlyList<SettingChange>> GetHistoryAsync(string userId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<SettingChange>>([.. HistoryOf(userId).Values]);
        }
    }

    public Task AddDeviceLinkAsync(string userId, string adId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        _links.GetOrAdd(userId, _ => new(StringComparer.Ordinal))[adId] = true;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> GetLinkedDevicesAsync(string userId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(_links.TryGetValue(userId, out var devices) ? [.. devices.Keys.Order(StringComparer.Ordinal)] : []);

    private SortedList<long, SettingChange> HistoryOf(string userId)
    {
        if (!_history.TryGetValue(userId, out var changes))
        {
            _history[userId] = changes = [];
        }

        return changes;
    }
}

public sealed class InMemoryDeviceStore : IDeviceStore
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset RegisteredAt, ConcurrentDictionary<string, bool> Links)> _devices = new(StringComparer.Ordinal);

    public Task<bool> RegisterAsync(string adId, DateTimeOffset at, CancellationToken cancellationToken) =>
        Task.FromResult(_devices.TryAdd(adId, (at, new(StringComparer.Ordinal))));

    public Task<bool> LinkAsync(string adId, string userId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        _devices.TryAdd(adId, (at, new(StringComparer.Ordinal)));
        return Task.FromResult(_devices[adId].Links.TryAdd(userId, true));
    }

    public Task<DeviceRecord?> FindAsync(string adId, CancellationToken cancellationToken) =>
        Task.FromResult(_devices.TryGetValue(adId, out var device)
            ? new DeviceRecord(adId, device.RegisteredAt, [.. device.Links.Keys.Order(StringComparer.Ordinal)])
            : null);
}

public sealed class InMemoryProjectionStore : IProjectionStore, IProjectionScan
{
    private readonly ConcurrentDictionary<string, Stored<AccountProjection>> _accounts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Stored<DeviceProjection>> _devices = new(StringComparer.Ordinal);

    public Task<Stored<AccountProjection>?> GetAccountAsync(string userId, CancellationToken cancellationToken) =>
        Task.FromResult(_accounts.GetValueOrDefault(userId));

    public Task<Stored<DeviceProjection>?> GetDeviceAsync(string adId, CancellationToken cancellationToken) =>
        Task.FromResult(_devices.GetValueOrDefault(adId));

    public Task<string?> TryPutAccountAsync(AccountProjection projection, string? expectedToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(projection);
        return Task.FromResult(TryPut(_accounts, projection.UserId, projection, expectedToken));
    }

    public Task<string?> TryPutDeviceAsync(DeviceProjection projection, string? expectedToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(projection);
        return Task.FromResult(TryPut(_devices, projection.AdId, projection, expectedToken));
    }

    public IAsyncEnumerable<IReadOnlyList<AccountProjection>> ScanAccountsAsync(int pageSize, CancellationToken cancellationToken) => Scan(_accounts, pageSize);

    public IAsyncEnumerable<IReadOnlyList<DeviceProjection>> ScanDevicesAsync(int pageSize, CancellationToken cancellationToken) => Scan(_devices, pageSize);

    private static IAsyncEnumerable<IReadOnlyList<T>> Scan<T>(ConcurrentDictionary<string, Stored<T>> rows, int pageSize) =>
        rows.OrderBy(row => row.Key, StringComparer.Ordinal).Select(row => row.Value.Value).Chunk(pageSize).Select(page => (IReadOnlyList<T>)page).ToAsyncEnumerable();

    private static string? TryPut<T>(ConcurrentDictionary<string, Stored<T>> rows, string key, T value, string? expectedToken)
    {
        var next = new Stored<T>(value, Guid.NewGuid().ToString("N"));
        var written = expectedToken is null
            ? rows.TryAdd(key, next)
            : rows.TryGetValue(key, out var current) && current.ConcurrencyToken == expectedToken && rows.TryUpdate(key, next, current);
        return written ? next.ConcurrencyToken : null;
    }
}

public sealed class InMemoryIntentLog : IIntentLog
{
    private readonly ConcurrentDictionary<string, Intent> _intents = new(StringComparer.Ordinal);

    public int Count => _intents.Count;

    public Task<Intent> RecordAsync(ChangeKind kind, string key, string? linkedUserId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var intent = new Intent(Guid.NewGuid().ToString("N"), kind, key, at, linkedUserId);
        _intents[intent.Id] = intent;
        return Task.FromResult(intent);
    }

    public Task<IReadOnlyList<Intent>> GetPendingAsync(DateTimeOffset recordedBefore, int max, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Intent>>([.. _intents.Values.Where(i => i.RecordedAt < recordedBefore).OrderBy(i => i.RecordedAt).Take(max)]);

    public Task ClearAsync(string intentId, CancellationToken cancellationToken)
    {
        _intents.TryRemove(intentId, out _);
        return Task.CompletedTask;
    }
}

/// <summary>A transport that only queues: the test decides when, in which order and how often to deliver.</summary>
public sealed class QueuedPublisher : IChangePublisher
{
    public ConcurrentQueue<ChangeNotice> Published { get; } = new();

    public Task PublishAsync(ChangeNotice notice, CancellationToken cancellationToken)
    {
        Published.Enqueue(notice);
        return Task.CompletedTask;
    }
}
