using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace ConsentGateway.Http;

/// <summary>The setting's ETag is its version, as a strong quoted ETag: <c>"3"</c>.</summary>
public static class ETags
{
    public static string Of(long version) => "\"" + version.ToString(CultureInfo.InvariantCulture) + "\"";

    /// <summary>
    /// No header, or <c>*</c>: no version expected. <c>"N"</c>: version N expected. Anything
    /// else (weak, several, unquoted, not a number) is malformed.
    /// </summary>
    public static bool TryParseIfMatch(StringValues header, out long? expectedVersion)
    {
        expectedVersion = null;
        if (StringValues.IsNullOrEmpty(header))
        {
            return true;
        }

        if (header.Count != 1)
        {
            return false;
        }

        var value = header[0]!.Trim();
        if (value == "*")
        {
            return true;
        }

        if (value.Length < 3 || value[0] != '"' || value[^1] != '"'
            || !long.TryParse(value.AsSpan(1, value.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return false;
        }

        expectedVersion = version;
        return true;
    }
}
