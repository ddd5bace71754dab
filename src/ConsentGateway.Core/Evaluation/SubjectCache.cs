using System.Collections.Concurrent;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Projection;
using ConsentGateway.Core.Propagation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Core.Evaluation;

/// <summary>
/// The decision projection as decisions read it: one in-memory entry per subject id (an account
/// or a device, never anything shared between subjects; a device's entry holds only the ids of
/// its accounts, whose facts are read through their own entries), with the version of the row it
/// was read from. An entry does not expire by age: it goes when the row changes, told by the
/// projector in process (<see cref="OnProjected"/>) or by the change log watcher, and when memory
/// is full (least recently used first). It is trusted while it is fresh within the decision
/// budget: since its read began, or since the host last said it knows every change up to then
/// (<see cref="ChangesWatchedThrough"/>: on the self-host every projected change whose older
/// changes are all projected in time, on Azure the change log watcher's last complete read; ADR 9). A miss is read through the caller's <see cref="ReadLane"/>; concurrent misses of
/// one subject share one read. A read that fails or outlasts the store timeout answers
/// <see cref="LookupStatus.Unavailable"/>, which the evaluator turns into a deny.
/// </summary>
public sealed partial class SubjectCache : IProjectedChangeObserver
{
    private readonly TimeProvider _time;
    private readonly EvaluationOptions _options;
    private readonly ILogger<SubjectCache> _logger;
    private readonly RateLimitedLog _unavailableLog;
    private readonly RateLimitedLog _failedLog;
    private readonly RateLimitedLog _laneFullLog;
    private readonly EvaluationMetrics _metrics;
    private readonly Shelf<AccountLookup> _accounts;
    private readonly Shelf<DeviceLookup> _devices;
    private long _watchedThrough;

    public SubjectCache(
        IProjectionStore store,
        IAccountStore accountSource,
        IDeviceStore deviceSource,
        TimeProvider time,
        IOptions<EvaluationOptions> options,
        IOptions<PropagationOptions> propagation,
        IOptions<AccountsOptions> limits,
        EvaluationMetrics metrics,
        ILogger<SubjectCache> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(accountSource);
        ArgumentNullException.ThrowIfNull(deviceSource);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(propagation);
        ArgumentNullException.ThrowIfNull(limits);
        var maxAccounts = limits.Value.MaxAccountsPerDevice;
        _time = time;
        _options = options.Value;
        _logger = logger;
        (_unavailableLog, _failedLog, _laneFullLog) = (new RateLimitedLog(time), new RateLimitedLog(time), new RateLimitedLog(time));
        _metrics = metrics;
        Budget = _options.EffectiveDecisionBudget(propagation.Value.StalenessBound);
        _accounts = new Shelf<AccountLookup>(
            this,
            AccountLookup.Unavailable,
            async (userId, token) => await store.GetAccountAsync(userId, token).ConfigureAwait(false) is { } row ? Account(row.Value) : (AccountLookup.NotFound, SubjectVersion.None),
            async (userId, token) => Account(AccountProjection.Of(userId, await accountSource.FindAsync(userId, token).ConfigureAwait(false))),
            async (userIds, token) => (await store.GetAccountsAsync(userIds, token).ConfigureAwait(false)).ToDictionary(row => row.Key, row => Account(row.Value.Value), StringComparer.Ordinal),
            (AccountLookup.NotFound, SubjectVersion.None));
        _devices = new Shelf<DeviceLookup>(
            this,
            DeviceLookup.Unavailable,
            async (adId, token) => await store.GetDeviceAsync(adId, token).ConfigureAwait(false) is { } row ? Device(row.Value, maxAccounts) : (DeviceLookup.NotFound, SubjectVersion.None),
            async (adId, token) => await deviceSource.FindAsync(adId, token).ConfigureAwait(false) is { } device ? Device(DeviceProjection.Of(device, maxAccounts), maxAccounts) : (DeviceLookup.NotFound, SubjectVersion.None),
            readMany: null,
            (DeviceLookup.NotFound, SubjectVersion.None));
        metrics.ObserveChangesLag(() => ChangesKnownThrough == 0 ? double.NaN : time.GetElapsedTime(ChangesKnownThrough).TotalSeconds);
    }

    /// <summary>How far behind the changes a decision may be, this cache's lag and a proxy's reuse of the answer together.</summary>
    public TimeSpan Budget { get; }

    /// <summary>
    /// How long a read itself may run. A decision waits for it at most the store timeout; the
    /// read goes on for up to a quarter of the budget, so a slow store still fills the cache
    /// for the decisions that follow.
    /// </summary>
    public TimeSpan ReadTimeout => Budget / 4 > _options.StoreTimeout ? Budget / 4 : _options.StoreTimeout;

    /// <summary>Entries held.</summary>
    public int Count => _accounts.Count + _devices.Count;

    /// <summary>Up to when (a <see cref="TimeProvider"/> timestamp) every change is known to this cache (0 before the host first says).</summary>
    public long ChangesKnownThrough => Volatile.Read(ref _watchedThrough);

    /// <param name="demand">The version a consistency token demands of this account, if any: an older entry is not used, the account is read from its source.</param>
    public ValueTask<Fresh<AccountLookup>> GetAccountAsync(string userId, ReadLane lane, SubjectVersion? demand, CancellationToken cancellationToken) =>
        _accounts.GetAsync(userId, lane, demand, cancellationToken);

    /// <param name="demand">The version a consistency token demands of this device, if any.</param>
    public ValueTask<Fresh<DeviceLookup>> GetDeviceAsync(string adId, ReadLane lane, SubjectVersion? demand, CancellationToken cancellationToken) =>
        _devices.GetAsync(adId, lane, demand, cancellationToken);

    /// <summary>
    /// Starts one grouped read of the accounts among <paramref name="userIds"/> that are neither
    /// trusted in memory nor being read (a batch's misses: one query where the store allows it),
    /// in one slot of <paramref name="lane"/>; lookups of them join it.
    /// </summary>
    public void PrefetchAccounts(IEnumerable<string> userIds, ReadLane lane) => _accounts.Prefetch(userIds, lane);

    /// <summary>How much longer a value fresh as of <paramref name="freshAsOf"/> may be trusted (zero once outside the budget).</summary>
    public TimeSpan RemainingTrust(long freshAsOf)
    {
        var remaining = Budget - _time.GetElapsedTime(freshAsOf);
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    /// <summary>Drops what is held of a subject whose row is now newer, and any read of it already running (it may have read the row before the write).</summary>
    public void OnProjected(in ProjectedChange change)
    {
        if (change.Kind == SubjectKind.Device)
        {
            _devices.Supersede(change.SubjectId, change.Version);
        }
        else
        {
            _accounts.Supersede(change.SubjectId, change.Version);
        }
    }

    /// <summary>Every change accepted up to <paramref name="timestamp"/> has been told to this cache (it never goes back).</summary>
    public void ChangesWatchedThrough(long timestamp)
    {
        long current;
        do
        {
            current = Volatile.Read(ref _watchedThrough);
            if (timestamp <= current)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _watchedThrough, timestamp, current) != current);
    }

    /// <summary>Forgets everything, reads still running included: the change log cannot tell what changed before its head.</summary>
    public void Clear()
    {
        _accounts.Clear();
        _devices.Clear();
    }

    private static (AccountLookup, SubjectVersion) Account(AccountProjection row) => (AccountLookup.Of(row), row.Version);

    private static (DeviceLookup, SubjectVersion) Device(DeviceProjection row, int maxAccounts) =>
        (row.IsWithin(maxAccounts) ? DeviceLookup.Found([.. row.LinkedUserIds]) : DeviceLookup.TooManyLinkedAccounts, row.Version);

    private long FreshAsOf(long readAt) => Math.Max(readAt, ChangesKnownThrough);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} projection read(s) did not answer within the store timeout since the last line like this one (one per {Seconds} s at most; the last: {Failure}); they deny with STORE_UNAVAILABLE.")]
    private static partial void LogReadsUnavailable(ILogger logger, long count, double seconds, string failure);

    // A fault of another kind than an outage keeps its stack trace, once an interval.
    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} projection read(s) failed since the last line like this one (one per {Seconds} s at most); they deny with STORE_UNAVAILABLE.")]
    private static partial void LogReadsFailed(ILogger logger, Exception exception, long count, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} decision(s) found no free read slot in their lane within the store timeout since the last line like this one (one per {Seconds} s at most); they deny with STORE_UNAVAILABLE.")]
    private static partial void LogLaneFull(ILogger logger, long count, double seconds);

    /// <summary>One entry: the value, the version of the row it came from, when its read began, and whether it was used since the last trim.</summary>
    private sealed class Entry<T>(T value, SubjectVersion version, long readAt)
    {
        public T Value { get; } = value;

        public SubjectVersion Version { get; } = version;

        public long ReadAt { get; } = readAt;

        public bool Used { get; set; }
    }

    /// <summary>A store read others may join; superseded when the row changed while it ran, so its answer is not kept.</summary>
    private sealed class PendingRead<T>
    {
        public TaskCompletionSource<Fresh<T>> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Superseded { get; set; }
    }

    /// <summary>The entries of one kind of subject.</summary>
    private sealed class Shelf<T>(
        SubjectCache owner,
        T unavailable,
        Func<string, CancellationToken, Task<(T Value, SubjectVersion Version)>> readProjection,
        Func<string, CancellationToken, Task<(T Value, SubjectVersion Version)>> readSource,
        Func<IReadOnlyList<string>, CancellationToken, Task<Dictionary<string, (T Value, SubjectVersion Version)>>>? readMany,
        (T Value, SubjectVersion Version) notFound)
    {
        private readonly ConcurrentDictionary<string, Entry<T>> _entries = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, PendingRead<T>> _reads = new(StringComparer.Ordinal);

        // Writers of one id (a read that completes, a change that supersedes) take its stripe, so a
        // read that began before a write can never put its older answer back after the change.
        private readonly object[] _stripes = [.. Enumerable.Range(0, 64).Select(_ => new object())];
        private int _trimming;

        public int Count => _entries.Count;

        public ValueTask<Fresh<T>> GetAsync(string id, ReadLane lane, SubjectVersion? demand, CancellationToken cancellationToken)
        {
            if (_entries.TryGetValue(id, out var entry) && (demand is not { } version || entry.Version.IsAtLeast(version)))
            {
                var freshAsOf = owner.FreshAsOf(entry.ReadAt);
                if (owner._time.GetElapsedTime(freshAsOf) < owner.Budget)
                {
                    if (!entry.Used)
                    {
                        entry.Used = true;
                    }

                    owner._metrics.CacheHit();
                    return ValueTask.FromResult(new Fresh<T>(entry.Value, freshAsOf));
                }
            }

            owner._metrics.CacheMiss();
            return demand is { } demanded ? ReadDemandedAsync(id, lane, demanded, cancellationToken) : ReadSharedAsync(id, lane, cancellationToken);
        }

        public void Prefetch(IEnumerable<string> ids, ReadLane lane)
        {
            if (readMany is null)
            {
                return;
            }

            var registered = new Dictionary<string, PendingRead<T>>(StringComparer.Ordinal);
            foreach (var id in ids)
            {
                if (registered.ContainsKey(id) || _reads.ContainsKey(id) || (_entries.TryGetValue(id, out var entry) && owner._time.GetElapsedTime(owner.FreshAsOf(entry.ReadAt)) < owner.Budget))
                {
                    continue;
                }

                lock (Stripe(id))
                {
                    if (!_reads.ContainsKey(id))
                    {
                        _reads[id] = registered[id] = new PendingRead<T>();
                    }
                }
            }

            if (registered.Count > 0)
            {
                _ = ReadManyAsync(registered, lane);
            }
        }

        public void Supersede(string id, SubjectVersion version)
        {
            lock (Stripe(id))
            {
                if (_entries.TryGetValue(id, out var entry) && !entry.Version.IsAtLeast(version))
                {
                    _entries.TryRemove(id, out _);
                    owner._metrics.Evicted();
                }

                if (_reads.TryRemove(id, out var pending))
                {
                    pending.Superseded = true;
                }
            }
        }

        public void Clear()
        {
            foreach (var id in _reads.Keys)
            {
                lock (Stripe(id))
                {
                    if (_reads.TryRemove(id, out var pending))
                    {
                        pending.Superseded = true;
                    }
                }
            }

            _entries.Clear();
        }

        private object Stripe(string id) => _stripes[(uint)StringComparer.Ordinal.GetHashCode(id) % (uint)_stripes.Length];

        /// <summary>Joins the read of this subject already running, or starts one in the caller's lane.</summary>
        private async ValueTask<Fresh<T>> ReadSharedAsync(string id, ReadLane lane, CancellationToken cancellationToken)
        {
            var started = owner._time.GetTimestamp();
            try
            {
                if (!_reads.TryGetValue(id, out var pending))
                {
                    if (!await lane.EnterAsync(owner._options.StoreTimeout, cancellationToken).ConfigureAwait(false))
                    {
                        return LaneFull();
                    }

                    pending = StartOrJoin(id, lane);
                }

                return await pending.Result.Task.WaitAsync(Remaining(started), owner._time, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                return Failed(ex);
            }
        }

        /// <summary>A token demands a newer version than held: the source of truth is read, which has every accepted write.</summary>
        private async ValueTask<Fresh<T>> ReadDemandedAsync(string id, ReadLane lane, SubjectVersion demand, CancellationToken cancellationToken)
        {
            var started = owner._time.GetTimestamp();
            try
            {
                if (!await lane.EnterAsync(owner._options.StoreTimeout, cancellationToken).ConfigureAwait(false))
                {
                    return LaneFull();
                }

                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    timeout.CancelAfter(Remaining(started));
                    owner._metrics.StoreRead();
                    var (value, version) = await readSource(id, timeout.Token).ConfigureAwait(false);
                    if (!version.IsAtLeast(demand))
                    {
                        // Not even the source has the write: the token is from another store.
                        return new Fresh<T>(unavailable, owner._time.GetTimestamp());
                    }

                    lock (Stripe(id))
                    {
                        Keep(id, new Entry<T>(value, version, started));
                    }

                    return new Fresh<T>(value, started);
                }
                finally
                {
                    lane.Leave();
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                return Failed(ex);
            }
        }

        // Holds the lane's slot, which the read gives back when it ends.
        private PendingRead<T> StartOrJoin(string id, ReadLane lane)
        {
            PendingRead<T> pending;
            lock (Stripe(id))
            {
                if (_reads.TryGetValue(id, out var running))
                {
                    lane.Leave();
                    return running;
                }

                pending = new PendingRead<T>();
                _reads[id] = pending;
            }

            _ = ReadAsync(id, pending, lane);
            return pending;
        }

        // One read per subject at a time, whoever asks; it is not cancelled with any one caller.
        private async Task ReadAsync(string id, PendingRead<T> pending, ReadLane lane)
        {
            try
            {
                var readAt = owner._time.GetTimestamp();
                owner._metrics.StoreRead();
                using var timeout = new CancellationTokenSource(owner.ReadTimeout, owner._time);
                var (value, version) = await readProjection(id, timeout.Token).ConfigureAwait(false);
                Complete(id, pending, new Entry<T>(value, version, readAt));
            }
            catch (Exception ex)
            {
                Unregister(id, pending);

                pending.Result.SetException(ex);
            }
            finally
            {
                lane.Leave();
            }
        }

        // One slot of the lane for the whole group; without one in time, each lookup fails as a full lane's would.
        private async Task ReadManyAsync(Dictionary<string, PendingRead<T>> group, ReadLane lane)
        {
            var entered = false;
            try
            {
                entered = await lane.EnterAsync(owner._options.StoreTimeout, CancellationToken.None).ConfigureAwait(false);
                if (!entered)
                {
                    throw new TimeoutException("No read slot came free in the lane within the store timeout.");
                }

                var readAt = owner._time.GetTimestamp();
                owner._metrics.StoreRead();
                using var timeout = new CancellationTokenSource(owner.ReadTimeout, owner._time);
                var rows = await readMany!([.. group.Keys], timeout.Token).ConfigureAwait(false);
                foreach (var (id, pending) in group)
                {
                    var (value, version) = rows.TryGetValue(id, out var row) ? row : notFound;
                    Complete(id, pending, new Entry<T>(value, version, readAt));
                }
            }
            catch (Exception ex)
            {
                foreach (var (id, pending) in group)
                {
                    Unregister(id, pending);
                    pending.Result.TrySetException(ex);
                }
            }
            finally
            {
                if (entered)
                {
                    lane.Leave();
                }
            }
        }

        // A read's answer: kept unless its subject changed while it ran; its callers get it either way.
        private void Complete(string id, PendingRead<T> pending, Entry<T> read)
        {
            lock (Stripe(id))
            {
                if (!pending.Superseded)
                {
                    Keep(id, read);
                    _reads.TryRemove(new KeyValuePair<string, PendingRead<T>>(id, pending));
                }
            }

            pending.Result.SetResult(new Fresh<T>(read.Value, read.ReadAt));
        }

        private void Unregister(string id, PendingRead<T> pending)
        {
            lock (Stripe(id))
            {
                _reads.TryRemove(new KeyValuePair<string, PendingRead<T>>(id, pending));
            }
        }

        // Under the id's stripe: the newer of the entry held and the one read stays.
        private void Keep(string id, Entry<T> read)
        {
            if (_entries.TryGetValue(id, out var held) && (held.Version.IsAtLeast(read.Version) && (held.Version != read.Version || held.ReadAt >= read.ReadAt)))
            {
                return;
            }

            _entries[id] = read;
            if (_entries.Count > owner._options.MaxCachedSubjects && Interlocked.Exchange(ref _trimming, 1) == 0)
            {
                _ = Task.Run(Trim);
            }
        }

        /// <summary>
        /// Second chance: an entry not used since the last trim goes, the others are marked unused,
        /// until a tenth of the room is free again; after three passes whatever comes next goes.
        /// </summary>
        private void Trim()
        {
            try
            {
                var target = owner._options.MaxCachedSubjects * 9L / 10;
                for (var pass = 0; pass < 4 && _entries.Count > target; pass++)
                {
                    foreach (var (id, entry) in _entries)
                    {
                        if (_entries.Count <= target)
                        {
                            break;
                        }

                        if (entry.Used && pass < 3)
                        {
                            entry.Used = false;
                        }
                        else if (_entries.TryRemove(new KeyValuePair<string, Entry<T>>(id, entry)))
                        {
                            owner._metrics.Evicted();
                        }
                    }
                }
            }
            finally
            {
                Volatile.Write(ref _trimming, 0);
            }
        }

        private TimeSpan Remaining(long started)
        {
            var remaining = owner._options.StoreTimeout - owner._time.GetElapsedTime(started);
            return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
        }

        private Fresh<T> LaneFull()
        {
            owner._metrics.StoreUnavailable();
            if (owner._laneFullLog.Occurred(out var count))
            {
                LogLaneFull(owner._logger, count, owner._laneFullLog.Interval.TotalSeconds);
            }

            return new Fresh<T>(unavailable, owner._time.GetTimestamp());
        }

        private Fresh<T> Failed(Exception ex)
        {
            owner._metrics.StoreUnavailable();
            var outage = ex is StoreUnavailableException or TimeoutException or OperationCanceledException;
            var log = outage ? owner._unavailableLog : owner._failedLog;
            if (log.Occurred(out var count))
            {
                if (outage)
                {
                    LogReadsUnavailable(owner._logger, count, log.Interval.TotalSeconds, ex.GetType().Name);
                }
                else
                {
                    LogReadsFailed(owner._logger, ex, count, log.Interval.TotalSeconds);
                }
            }

            return new Fresh<T>(unavailable, owner._time.GetTimestamp());
        }
    }
}
