using System.Text.Json.Nodes;
using ConsentGateway.Contracts;

namespace ConsentGateway.EgressProxy;

/// <summary>Reads one string value from a header or from a JSON body field.</summary>
internal sealed class ValueReader
{
    private readonly JsonFieldPath? _path;

    private ValueReader(string? header, JsonFieldPath? path)
    {
        Header = header;
        _path = path;
    }

    /// <summary>The header the value is read from (removed before forwarding), or null for a body field.</summary>
    public string? Header { get; }

    public string Describe() => Header is not null ? $"header {Header}" : $"body field {_path}";

    /// <summary>The value, null when absent; false when present but not a single string.</summary>
    public bool TryRead(HttpRequest request, JsonNode? body, out string? value)
    {
        value = null;
        if (Header is not null)
        {
            var values = request.Headers[Header];
            if (values.Count > 1)
            {
                return false;
            }

            value = values.Count == 1 ? values[0] : null;
            return true;
        }

        var node = body;
        foreach (var segment in _path!.Segments)
        {
            node = node is JsonObject obj && obj.TryGetPropertyValue(segment, out var child) ? child : null;
            if (node is null)
            {
                return true;
            }
        }

        if (node is JsonValue text && text.TryGetValue(out string? s))
        {
            value = s;
            return true;
        }

        return false;
    }

    public static ValueReader? Create(ValueSource? source, string setting, List<string> failures)
    {
        if (source is null)
        {
            return null;
        }

        var hasHeader = !string.IsNullOrWhiteSpace(source.Header);
        var hasPath = !string.IsNullOrWhiteSpace(source.JsonPath);
        if (hasHeader == hasPath)
        {
            failures.Add($"{setting} needs exactly one of Header and JsonPath.");
            return null;
        }

        if (hasHeader)
        {
            if (!source.Header!.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                failures.Add($"{setting}:Header '{source.Header}' is not a header name.");
                return null;
            }

            if (source.Header!.StartsWith(ConsentHeaders.Prefix, StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"{setting}:Header may not start with {ConsentHeaders.Prefix} (those headers are the proxy's own).");
                return null;
            }

            return new ValueReader(source.Header, null);
        }

        if (!JsonFieldPath.TryParse(source.JsonPath, out var path, out var error) || path.HasWildcard)
        {
            failures.Add($"{setting}:JsonPath: {(path is null ? error : "a subject field names one field, without [*]")}.");
            return null;
        }

        return new ValueReader(null, path);
    }
}
