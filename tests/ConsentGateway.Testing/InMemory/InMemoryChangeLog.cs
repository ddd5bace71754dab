using ConsentGateway.Core.Projection;

namespace ConsentGateway.Testing.InMemory;

/// <summary>The change log in memory: positions are 1, 2, …; appends are visible at once.</summary>
public sealed class InMemoryChangeLog(TimeProvider? time = null) : IChangeLog
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly List<(long Position, DateTimeOffset At, ProjectedChange Change)> _changes = [];
    private long _last;

    public TimeSpan VisibilityLag => TimeSpan.Zero;

    /// <summary>Whether reads fail, as a store outage would.</summary>
    public bool Unavailable { get; set; }

    public int Count
    {
        get
        {
            lock (_changes)
            {
                return _changes.Count;
            }
        }
    }

    public Task AppendAsync(ProjectedChange change, CancellationToken cancellationToken)
    {
        lock (_changes)
        {
            _changes.Add((++_last, _time.GetUtcNow(), change));
        }

        return Task.CompletedTask;
    }

    public Task<ChangeLogPosition> GetHeadAsync(CancellationToken cancellationToken)
    {
        ThrowIfUnavailable();
        lock (_changes)
        {
            return Task.FromResult(new ChangeLogPosition(_last));
        }
    }

    public Task<ChangeLogPage> ReadAsync(ChangeLogPosition position, int maxChanges, CancellationToken cancellationToken)
    {
        ThrowIfUnavailable();
        lock (_changes)
        {
            var after = _changes.Where(c => c.Position > position.Value).ToList();
            var page = after.Take(maxChanges).ToList();
            var next = page.Count == 0 ? position : new ChangeLogPosition(page[^1].Position);
            return Task.FromResult(new ChangeLogPage([.. page.Select(c => c.Change)], next, after.Count > page.Count));
        }
    }

    public Task<int> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        lock (_changes)
        {
            return Task.FromResult(_changes.RemoveAll(c => c.At < olderThan));
        }
    }

    private void ThrowIfUnavailable()
    {
        if (Unavailable)
        {
            throw new Core.StoreUnavailableException("The change log is unavailable (test).");
        }
    }
}
