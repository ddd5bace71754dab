namespace ConsentGateway.EgressProxy;

/// <summary>The headers the proxy owns: set by it, never taken from a caller.</summary>
internal static class ConsentHeaders
{
    public const string Prefix = "X-Consent-";

    /// <summary>On the forwarded request and on the answer to the caller: the gateway's decision id, for audit.</summary>
    public const string DecisionId = "X-Consent-Decision-Id";

    /// <summary>On the answer to the caller: allow, partial or deny.</summary>
    public const string Decision = "X-Consent-Decision";

    /// <summary>On the answer to the caller: the paths of the body fields removed before forwarding.</summary>
    public const string Removed = "X-Consent-Removed";
}
