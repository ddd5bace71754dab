using ConsentGateway.Core.Projection;

namespace ConsentGateway.Testing.InMemory;

/// <summary>
/// <see cref="IChangeLog"/> in memory, for fast tests of what appends and follows it: the
/// SQLite adapter's semantics (positions count the appends, a read gives exactly what follows
/// its position, an append is visible at once), under the same contract suite as the adapters.
/// Entries are timed by the <see cref="TimeProvider"/> given, for pruning.
/// </summary>
public sealed class InMemoryChangeLog(TimeProvider? time = null) : IChangeLog
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _gate = new();

    // Oldest first; positions only grow, so a position's entry is found by binary search.
    private readonly List<(long Position, ProjectedChange Change, DateTimeOffset AppendedAt)> _entries = [];
    private long _last;

    public TimeSpan VisibilityLag => TimeSpan.Zero;

    /// <summary>Reads (and the head) fail while set, as an unreachable store's would; appends still land.</summary>
    public bool Unavailable { get; set; }

    public Task AppendAsync(ProjectedChange change, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(change.SubjectId, nameof(change));
        lock (_gate)
        {
            _entries.Add((++_last, change, _time.GetUtcNow()));
        }

        return Task.CompletedTask;
    }

    public Task<ChangeLogPosition> GetHeadAsync(CancellationToken cancellationToken)
    {
        ThrowIfUnavailable();
        lock (_gate)
        {
            return Task.FromResult(new ChangeLogPosition(_last));
        }
    }

    public Task<ChangeLogPage> ReadAsync(ChangeLogPosition position, int maxChanges, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxChanges);
        ThrowIfUnavailable();
        lock (_gate)
        {
            var start = FirstAfter(position.Value);
            var count = Math.Min(maxChanges, _entries.Count - start);
            var changes = new List<ProjectedChange>(count);
            for (var i = start; i < start + count; i++)
            {
                changes.Add(_entries[i].Change);
            }

            var next = count > 0 ? new ChangeLogPosition(_entries[start + count - 1].Position) : position;
            return Task.FromResult(new ChangeLogPage(changes, next, HasMore: start + count < _entries.Count));
        }
    }

    public Task<int> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_entries.RemoveAll(entry => entry.AppendedAt < olderThan));
        }
    }

    private void ThrowIfUnavailable()
    {
        if (Unavailable)
        {
            throw new Core.StoreUnavailableException("The change log cannot be read (test).");
        }
    }

    private int FirstAfter(long position)
    {
        int low = 0, high = _entries.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (_entries[middle].Position <= position)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}
