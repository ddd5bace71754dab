using System.Collections.Concurrent;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Projection;
using ConsentGateway.Core.Propagation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Core.Evaluation;

/// <summary>
/// The decision projection as decisions read it: one in-memory entry per subject id (an
/// account or a device, never anything shared between subjects; a device's entry holds only
/// the ids of its accounts, whose facts are read through their own entries), trusted for the cache TTL
/// from when its read began. A subject still asked about late in its TTL (from between half and
/// three quarters of it, spread by id so that subjects read together are not all read again
/// together) is read again in the background, so a busy subject never waits and a failed
/// re-read has time to be tried again; concurrent misses of one subject
/// share one read. A read that fails or outlasts the store timeout answers
/// <see cref="LookupStatus.Unavailable"/>, which the evaluator turns into a deny.
/// </summary>
public sealed partial class SubjectCache : IDisposable
{
    private readonly TimeProvider _time;
    private readonly EvaluationOptions _options;
    private readonly ILogger<SubjectCache> _logger;
    private readonly EvaluationMetrics _metrics;
    private readonly Shelf<AccountLookup> _accounts;
    private readonly Shelf<DeviceLookup> _devices;
    private readonly ITimer _sweeper;
    private int _refreshing;

    public SubjectCache(
        IProjectionStore store,
        TimeProvider time,
        IOptions<EvaluationOptions> options,
        IOptions<PropagationOptions> propagation,
        IOptions<AccountsOptions> limits,
        EvaluationMetrics metrics,
        ILogger<SubjectCache> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(propagation);
        ArgumentNullException.ThrowIfNull(limits);
        var maxAccounts = limits.Value.MaxAccountsPerDevice;
        _time = time;
        _options = options.Value;
        _logger = logger;
        _metrics = metrics;
        Ttl = _options.EffectiveCacheTtl(propagation.Value.StalenessBound);
        _accounts = new Shelf<AccountLookup>(this, AccountLookup.Unavailable, async (userId, token) =>
            await store.GetAccountAsync(userId, token).ConfigureAwait(false) is { } account ? AccountLookup.Of(account.Value) : AccountLookup.NotFound);
        _devices = new Shelf<DeviceLookup>(this, DeviceLookup.Unavailable, async (adId, token) =>
            await store.GetDeviceAsync(adId, token).ConfigureAwait(false) is not { } device ? DeviceLookup.NotFound
            : device.Value.IsWithin(maxAccounts) ? DeviceLookup.Found([.. device.Value.LinkedUserIds])
            : DeviceLookup.TooManyLinkedAccounts);
        _sweeper = time.CreateTimer(_ => Sweep(), null, Ttl, Ttl);
    }

    /// <summary>How long an entry is trusted from when its read began.</summary>
    public TimeSpan Ttl { get; }

    /// <summary>The age from which the entry of <paramref name="id"/>, still asked about, is read again in the background.</summary>
    public TimeSpan RefreshAfter(string id)
    {
        var spread = (uint)StringComparer.Ordinal.GetHashCode(id) % 1024;
        return (Ttl / 2) + (Ttl / 4 * spread / 1024);
    }

    /// <summary>
    /// How long a read itself may run. A decision waits for it at most the store timeout; the
    /// read goes on for up to a quarter of the TTL (the time a background re-read has before the
    /// entry expires), so a slow store still refills the cache for the decisions that follow.
    /// </summary>
    public TimeSpan ReadTimeout => Ttl / 4 > _options.StoreTimeout ? Ttl / 4 : _options.StoreTimeout;

    /// <summary>Entries held (expired ones go at the next sweep, every TTL).</summary>
    public int Count => _accounts.Count + _devices.Count;

    public ValueTask<Fresh<AccountLookup>> GetAccountAsync(string userId, CancellationToken cancellationToken) =>
        _accounts.GetAsync(userId, cancellationToken);

    public ValueTask<Fresh<DeviceLookup>> GetDeviceAsync(string adId, CancellationToken cancellationToken) =>
        _devices.GetAsync(adId, cancellationToken);

    /// <summary>How much longer a value read at <paramref name="readAt"/> may be trusted (zero once expired).</summary>
    public TimeSpan RemainingTrust(long readAt)
    {
        var remaining = Ttl - _time.GetElapsedTime(readAt);
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    public void Dispose() => _sweeper.Dispose();

    private void Sweep()
    {
        _accounts.Sweep();
        _devices.Sweep();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A projection read failed or a decision waited for one longer than the store timeout; it denies with STORE_UNAVAILABLE.")]
    private static partial void LogReadFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A background re-read of a projection row failed; the entry stays until its TTL.")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);

    /// <summary>The entries of one kind of subject.</summary>
    private sealed class Shelf<T>(SubjectCache owner, T unavailable, Func<string, CancellationToken, Task<T>> read)
    {
        private readonly ConcurrentDictionary<string, Fresh<T>> _entries = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, Lazy<Task<Fresh<T>>>> _reads = new(StringComparer.Ordinal);

        public int Count => _entries.Count;

        public ValueTask<Fresh<T>> GetAsync(string id, CancellationToken cancellationToken)
        {
            if (_entries.TryGetValue(id, out var entry))
            {
                var age = owner._time.GetElapsedTime(entry.ReadAt);
                if (age < owner.Ttl)
                {
                    if (age >= owner.RefreshAfter(id))
                    {
                        RefreshInBackground(id);
                    }

                    owner._metrics.CacheHit();
                    return ValueTask.FromResult(entry);
                }
            }

            owner._metrics.CacheMiss();
            return ReadNowAsync(id, cancellationToken);
        }

        public void Sweep()
        {
            foreach (var entry in _entries)
            {
                if (owner._time.GetElapsedTime(entry.Value.ReadAt) >= owner.Ttl)
                {
                    _entries.TryRemove(entry);
                }
            }
        }

        private async ValueTask<Fresh<T>> ReadNowAsync(string id, CancellationToken cancellationToken)
        {
            try
            {
                return await SharedRead(id).WaitAsync(owner._options.StoreTimeout, owner._time, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                owner._metrics.StoreUnavailable();
                LogReadFailed(owner._logger, ex);
                return new Fresh<T>(unavailable, owner._time.GetTimestamp());
            }
        }

        private void RefreshInBackground(string id)
        {
            if (_reads.ContainsKey(id))
            {
                return;
            }

            if (Interlocked.Increment(ref owner._refreshing) > owner._options.MaxConcurrentRefreshes)
            {
                Interlocked.Decrement(ref owner._refreshing);
                return;
            }

            _ = RefreshAsync(id);
        }

        private async Task RefreshAsync(string id)
        {
            try
            {
                await SharedRead(id).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogRefreshFailed(owner._logger, ex);
            }
            finally
            {
                Interlocked.Decrement(ref owner._refreshing);
            }
        }

        // One read per subject at a time, whoever asks; it is not cancelled with any one caller.
        private Task<Fresh<T>> SharedRead(string id)
        {
            var shared = _reads.GetOrAdd(id, static (id, shelf) => new Lazy<Task<Fresh<T>>>(() => shelf.ReadAsync(id)), this);
            return shared.Value;
        }

        private async Task<Fresh<T>> ReadAsync(string id)
        {
            try
            {
                var readAt = owner._time.GetTimestamp();
                using var timeout = new CancellationTokenSource(owner.ReadTimeout, owner._time);
                var value = await read(id, timeout.Token).ConfigureAwait(false);
                var fresh = new Fresh<T>(value, readAt);
                _entries.AddOrUpdate(id, static (_, fresh) => fresh, static (_, current, fresh) => current.ReadAt > fresh.ReadAt ? current : fresh, fresh);
                return fresh;
            }
            finally
            {
                _reads.TryRemove(id, out _);
            }
        }
    }
}
