using ConsentGateway.Contracts;

namespace ConsentGateway.EgressProxy;

/// <summary>
/// The consent rules of the egress proxy (section <c>ConsentProxy</c>): one per YARP route of
/// section <c>ReverseProxy</c>, under the same route id.
/// </summary>
public sealed class ConsentProxyOptions
{
    public const string SectionName = "ConsentProxy";

    /// <summary>The rule of each YARP route, by route id. Every route needs one.</summary>
    public Dictionary<string, ConsentRouteOptions> Routes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Largest request body the proxy reads and classifies; larger is refused (413). Default 1 MiB.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// How long the proxy tries, at start, to read the gateway's policy to check its rules against
    /// before it gives up and does not start. Default 30 s.
    /// </summary>
    public TimeSpan PolicyReadTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The request header a caller puts a write's consistency token in (read-your-writes): passed to
    /// the gateway, so the answer reflects at least that write, and never forwarded to the partner.
    /// Default <c>X-Consent-At-Least-As-Fresh</c>, the name <c>/check</c> reads.
    /// </summary>
    public string ConsistencyTokenHeader { get; set; } = ConsentHeaders.AtLeastAsFresh;
}
