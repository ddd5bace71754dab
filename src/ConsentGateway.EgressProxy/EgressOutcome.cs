namespace ConsentGateway.EgressProxy;

/// <summary>What happened to a request at the proxy.</summary>
internal enum EgressOutcome
{
    /// <summary>Forwarded with its body as sent.</summary>
    Forwarded,

    /// <summary>Forwarded with fields removed (denied or unclassified).</summary>
    Redacted,

    /// <summary>Refused: nothing the request carries may go (403).</summary>
    Denied,

    /// <summary>Refused: the gateway could not be asked (503).</summary>
    GatewayUnavailable,

    /// <summary>Refused: the gateway refused the route's question as invalid, so the rule is wrong (500).</summary>
    Misconfigured,

    /// <summary>Refused: the request itself is malformed (4xx).</summary>
    Rejected,
}
