using System.Text.Json.Nodes;
using ConsentGateway.Contracts;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Policy;
using Microsoft.AspNetCore.Http;

namespace ConsentGateway.EgressProxy;

/// <summary>A classification of a JSON field: the data item it carries, or none (pass-through).</summary>
internal sealed record FieldRule(string Path, string? DataItem)
{
    public bool IsPassThrough => DataItem is null;
}

/// <summary>
/// The field rules of a route as a tree following the JSON body: a node's rule covers the field at
/// that path and everything below it, unless a deeper node has a rule of its own.
/// </summary>
internal sealed class FieldTree
{
    private Dictionary<string, FieldTree>? _children;

    public FieldRule? Rule { get; private set; }

    /// <summary>True when rules exist below this node.</summary>
    public bool HasChildren => _children is { Count: > 0 };

    public FieldTree? Child(string segment) =>
        _children is not null && _children.TryGetValue(segment, out var child) ? child : null;

    /// <summary>Adds a rule; false when its path already has one.</summary>
    public bool TryAdd(JsonFieldPath path, FieldRule rule)
    {
        var node = this;
        foreach (var segment in path.Segments)
        {
            node._children ??= new Dictionary<string, FieldTree>(StringComparer.Ordinal);
            if (!node._children.TryGetValue(segment, out var child))
            {
                child = new FieldTree();
                node._children.Add(segment, child);
            }

            node = child;
        }

        if (node.Rule is not null)
        {
            return false;
        }

        node.Rule = rule;
        return true;
    }
}

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

/// <summary>A route's consent rule, checked and compiled from <see cref="ConsentRouteOptions"/>.</summary>
internal sealed class ConsentRoute
{
    private ConsentRoute(string routeId, string partner, string? via, bool strict, FieldTree fields)
    {
        RouteId = routeId;
        Partner = partner;
        Via = via;
        Strict = strict;
        Fields = fields;
    }

    public string RouteId { get; }

    public string Partner { get; }

    public string? Via { get; }

    public bool Strict { get; }

    public FieldTree Fields { get; }

    public ValueReader? UserId { get; private init; }

    public ValueReader? DeviceAdId { get; private init; }

    public ValueReader? Country { get; private init; }

    /// <summary>The headers the rule reads from: internal to the caller, never forwarded.</summary>
    public IReadOnlyList<string> SourceHeaders { get; private init; } = [];

    /// <summary>Compiles a rule, adding a message naming the setting for each problem (null when there are any).</summary>
    public static ConsentRoute? Compile(string routeId, ConsentRouteOptions options, List<string> failures)
    {
        var setting = $"{ConsentProxyOptions.SectionName}:Routes:{routeId}";
        var before = failures.Count;
        if (!SubjectIds.IsValid(options.Partner))
        {
            failures.Add($"{setting}:Partner is required: the partner id the route's requests go to.");
        }

        if (options.Via is not null && !SubjectIds.IsValid(options.Via))
        {
            failures.Add($"{setting}:Via '{options.Via}' is not a partner id.");
        }

        var userId = ValueReader.Create(options.UserId, setting + ":UserId", failures);
        var deviceAdId = ValueReader.Create(options.DeviceAdId, setting + ":DeviceAdId", failures);
        var country = ValueReader.Create(options.Country, setting + ":Country", failures);
        if (options.UserId is null && options.DeviceAdId is null)
        {
            failures.Add($"{setting} needs UserId, DeviceAdId or both: where the subject's ids are.");
        }

        var fields = new FieldTree();
        for (var i = 0; i < options.Fields.Count; i++)
        {
            var field = options.Fields[i];
            if (!SubjectIds.IsValid(field.Data))
            {
                failures.Add($"{setting}:Fields:{i}:Data is required: the data item the field carries, e.g. ip_address.");
            }

            AddRule(fields, field.Path, field.Data, $"{setting}:Fields:{i}:Path", failures);
        }

        for (var i = 0; i < options.PassThrough.Count; i++)
        {
            AddRule(fields, options.PassThrough[i], null, $"{setting}:PassThrough:{i}", failures);
        }

        if (options.Fields.Count == 0)
        {
            failures.Add($"{setting}:Fields names no field: which body fields carry which data items.");
        }

        if (failures.Count > before)
        {
            return null;
        }

        return new ConsentRoute(routeId, options.Partner!, options.Via, options.Strict, fields)
        {
            UserId = userId,
            DeviceAdId = deviceAdId,
            Country = country,
            SourceHeaders = [.. new[] { userId, deviceAdId, country }.Select(reader => reader?.Header).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase)],
        };
    }

    private static void AddRule(FieldTree fields, string? text, string? dataItem, string setting, List<string> failures)
    {
        if (!JsonFieldPath.TryParse(text, out var path, out var error))
        {
            failures.Add($"{setting}: {error}.");
        }
        else if (!fields.TryAdd(path, new FieldRule(path.Text, dataItem)))
        {
            failures.Add($"{setting}: {path} is classified twice.");
        }
    }
}
