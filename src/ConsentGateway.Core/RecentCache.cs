using System.Collections.Concurrent;

namespace ConsentGateway.Core;

/// <summary>
/// What this process last read or wrote of a row, by key, so that the next conditional write
/// of the same row can skip the read. Only a hint: a stale entry makes the conditional write
/// fail, and the writer then reads the store. Bounded by clearing when full.
/// </summary>
internal sealed class RecentCache<T>(int capacity)
    where T : class
{
    private readonly ConcurrentDictionary<string, T> _entries = new(StringComparer.Ordinal);

    public T? Get(string key) => _entries.TryGetValue(key, out var entry) ? entry : null;

    public void Remember(string key, T entry)
    {
        if (_entries.Count >= capacity)
        {
            _entries.Clear();
        }

        _entries[key] = entry;
    }

    public void Forget(string key) => _entries.TryRemove(key, out _);
}
