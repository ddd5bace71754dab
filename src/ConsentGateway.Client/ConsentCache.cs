using System.Collections.Concurrent;

namespace ConsentGateway.Client;

/// <summary>
/// Answers kept for their <c>ttlSeconds</c>, keyed per partner, via, subject, data set and country.
/// A question with a consistency token is not in the key: it is never answered from here (what is
/// kept may be from before its write), and its fresh answer replaces the one kept for the question.
/// </summary>
internal sealed class ConsentCache(TimeProvider time, int maxEntries)
{
    private readonly ConcurrentDictionary<string, (ConsentResult Result, DateTimeOffset Expires)> _entries = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    public static string KeyOf(ConsentQuestion question)
    {
        var data = question.Data.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        // Unit separator between fields, record separator between data items: neither occurs in ids.
        return string.Join('\u001f', question.Partner, question.Via ?? string.Empty, question.UserId ?? string.Empty,
            question.DeviceAdId ?? string.Empty, string.Join('\u001e', data), question.Country ?? string.Empty);
    }

    public bool TryGet(ConsentQuestion question, string key, out ConsentResult result)
    {
        if (question.AtLeastAsFresh is null && _entries.TryGetValue(key, out var entry))
        {
            if (time.GetUtcNow() < entry.Expires)
            {
                result = entry.Result;
                return true;
            }

            _entries.TryRemove(new KeyValuePair<string, (ConsentResult, DateTimeOffset)>(key, entry));
        }

        result = null!;
        return false;
    }

    public void Store(string key, ConsentResult result)
    {
        if (result.TtlSeconds <= 0 || result.IsGatewayUnavailable)
        {
            return;
        }

        var now = time.GetUtcNow();
        if (_entries.Count >= maxEntries && !_entries.ContainsKey(key))
        {
            foreach (var (k, entry) in _entries)
            {
                if (entry.Expires <= now)
                {
                    _entries.TryRemove(new KeyValuePair<string, (ConsentResult, DateTimeOffset)>(k, entry));
                }
            }

            if (_entries.Count >= maxEntries)
            {
                return;
            }
        }

        _entries[key] = (result, now.AddSeconds(result.TtlSeconds));
    }
}
