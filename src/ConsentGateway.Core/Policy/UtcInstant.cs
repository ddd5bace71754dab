using System.Globalization;

namespace ConsentGateway.Core.Policy;

/// <summary>Strict ISO 8601 instants in UTC, as the policy and the API accept them.</summary>
public static class UtcInstant
{
    // Date, time, optional fraction of a second and an offset; the offset must then be 'Z' or +00:00.
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK";

    /// <summary>Parses e.g. <c>2020-04-06T00:00:00Z</c>; a missing or non-zero offset fails.</summary>
    public static bool TryParse(string? text, out DateTimeOffset instant)
    {
        instant = default;
        return text is not null
            && (text.EndsWith('Z') || text.EndsWith("+00:00", StringComparison.Ordinal))
            && DateTimeOffset.TryParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out instant)
            && instant.Offset == TimeSpan.Zero;
    }
}
