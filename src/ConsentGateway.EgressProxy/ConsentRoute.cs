using ConsentGateway.Contracts;

namespace ConsentGateway.EgressProxy;

/// <summary>A route's consent rule, checked and compiled from <see cref="ConsentRouteOptions"/>.</summary>
internal sealed class ConsentRoute
{
    // The data item of each entry of Fields, in order, to name Fields:<i>:Data in messages.
    private readonly IReadOnlyList<string> _fieldData;

    private ConsentRoute(string routeId, string partner, string? via, bool strict, FieldTree fields, IReadOnlyList<string> fieldData)
    {
        RouteId = routeId;
        _fieldData = fieldData;
        Partner = partner;
        Via = via;
        Strict = strict;
        Fields = fields;
    }

    public string RouteId { get; }

    /// <summary>The rule's configuration key, <c>ConsentProxy:Routes:&lt;routeId&gt;</c>.</summary>
    public string Setting => SettingOf(RouteId);

    public string Partner { get; }

    public string? Via { get; }

    public bool Strict { get; }

    public FieldTree Fields { get; }

    public ValueReader? UserId { get; private init; }

    public ValueReader? DeviceAdId { get; private init; }

    public ValueReader? Country { get; private init; }

    /// <summary>The request headers the partner gets.</summary>
    public ForwardedHeaders ForwardedHeaders { get; private init; } = ForwardedHeaders.None;

    /// <summary>The headers the rule reads from: internal to the caller, never forwarded.</summary>
    public IReadOnlyList<string> SourceHeaders { get; private init; } = [];

    /// <summary>Compiles a rule, adding a message naming the setting for each problem (null when there are any).</summary>
    public static ConsentRoute? Compile(string routeId, ConsentRouteOptions options, List<string> failures)
    {
        var setting = SettingOf(routeId);
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
        var forwarded = ForwardedHeaders.Create(options.ForwardHeaders, setting + ":ForwardHeaders", failures);
        if (options.UserId is null && options.DeviceAdId is null)
        {
            failures.Add($"{setting} needs UserId, DeviceAdId or both: where the subject's ids are.");
        }

        var fields = new FieldTree();
        for (var i = 0; i < options.Fields.Count; i++)
        {
            var field = options.Fields[i];
            // Whether the policy knows the item is checked against the gateway's policy at start (CheckAgainst).
            if (string.IsNullOrWhiteSpace(field.Data))
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

        return new ConsentRoute(routeId, options.Partner!, options.Via, options.Strict, fields, [.. options.Fields.Select(field => field.Data!)])
        {
            UserId = userId,
            DeviceAdId = deviceAdId,
            Country = country,
            ForwardedHeaders = forwarded!,
            SourceHeaders = [.. new[] { userId, deviceAdId, country }.Select(reader => reader?.Header).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase)],
        };
    }

    /// <summary>Adds a message naming the setting for each partner or data item of the rule that <paramref name="policy"/> does not know.</summary>
    public void CheckAgainst(PolicyNames policy, List<string> failures)
    {
        foreach (var (name, partner) in new[] { ("Partner", Partner), ("Via", Via) })
        {
            if (partner is not null && !policy.Partners.Contains(partner))
            {
                failures.Add($"{Setting}:{name} '{partner}' is not a partner of the gateway's policy {policy.Version} (its partners: {string.Join(", ", policy.Partners.Order(StringComparer.Ordinal))}).");
            }
        }

        for (var i = 0; i < _fieldData.Count; i++)
        {
            if (!policy.DataItems.Contains(_fieldData[i]))
            {
                failures.Add($"{Setting}:Fields:{i}:Data '{_fieldData[i]}' is not a data item of the gateway's policy {policy.Version} (its data items: {string.Join(", ", policy.DataItems.Order(StringComparer.Ordinal))}).");
            }
        }
    }

    private static string SettingOf(string routeId) => $"{ConsentProxyOptions.SectionName}:Routes:{routeId}";

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
