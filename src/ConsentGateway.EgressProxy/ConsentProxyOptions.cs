namespace ConsentGateway.EgressProxy;

/// <summary>
/// The consent rules of the egress proxy (section <c>ConsentProxy</c>): one per YARP route of
/// section <c>ReverseProxy</c>, under the same route id.
/// </summary>
public sealed class ConsentProxyOptions
{
    public const string SectionName = "ConsentProxy";

    /// <summary>The rule of each YARP route, by route id. Every route needs one.</summary>
    public Dictionary<string, ConsentRouteOptions> Routes { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Largest request body the proxy reads and classifies; larger is refused (413). Default 1 MiB.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;
}

/// <summary>What may go to one partner through one route, and where its data sits in the request.</summary>
public sealed class ConsentRouteOptions
{
    /// <summary>The partner the route's requests go to (the final recipient).</summary>
    public string? Partner { get; set; }

    /// <summary>The processor the data goes through, when it goes to <see cref="Partner"/> through one.</summary>
    public string? Via { get; set; }

    /// <summary>Where the user id of the request's subject is.</summary>
    public ValueSource? UserId { get; set; }

    /// <summary>Where the device advertising id of the request's subject is.</summary>
    public ValueSource? DeviceAdId { get; set; }

    /// <summary>Where the country is (only matters for a device with no account).</summary>
    public ValueSource? Country { get; set; }

    /// <summary>Which JSON body fields carry which data item (a field and everything below it).</summary>
    public List<FieldOptions> Fields { get; init; } = [];

    /// <summary>JSON body fields that carry no data about the subject (e.g. <c>$.event</c>): forwarded as they are.</summary>
    public List<string> PassThrough { get; init; } = [];

    /// <summary>When true (the default), a field that is neither in <see cref="Fields"/> nor in <see cref="PassThrough"/> is removed.</summary>
    public bool Strict { get; set; } = true;
}

/// <summary>A request header or a JSON body field (a path without <c>[*]</c>) holding one string.</summary>
public sealed class ValueSource
{
    public string? Header { get; set; }

    public string? JsonPath { get; set; }
}

/// <summary>A JSON body field and the data item it carries, e.g. <c>$.user.email</c> → <c>email</c>.</summary>
public sealed class FieldOptions
{
    public string? Path { get; set; }

    public string? Data { get; set; }
}
