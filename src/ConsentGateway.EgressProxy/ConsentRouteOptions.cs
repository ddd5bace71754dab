namespace ConsentGateway.EgressProxy;

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
    public List<FieldOptions> Fields { get; set; } = [];

    /// <summary>JSON body fields that carry no data about the subject (e.g. <c>$.event</c>): forwarded as they are.</summary>
    public List<string> PassThrough { get; set; } = [];

    /// <summary>
    /// Request headers the partner gets besides the content headers (<c>Accept</c>,
    /// <c>Accept-Encoding</c>, <c>Content-Type</c>, <c>Content-Length</c>, <c>Content-Encoding</c>),
    /// e.g. a partner's API key header or <c>X-Consent-Decision-Id</c>; every other header is dropped.
    /// </summary>
    public List<string> ForwardHeaders { get; set; } = [];

    /// <summary>When true (the default), a field that is neither in <see cref="Fields"/> nor in <see cref="PassThrough"/> is removed.</summary>
    public bool Strict { get; set; } = true;
}
