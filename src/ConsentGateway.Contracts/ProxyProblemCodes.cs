namespace ConsentGateway.Contracts;

/// <summary>
/// The codes of the redacting egress proxy's own problems, in the same <see cref="ProblemTypes"/>
/// form as the gateway's; where the fault is the same (a body that is not JSON, too large), the
/// code is the gateway's.
/// </summary>
public static class ProxyProblemCodes
{
    /// <summary>403: the gateway allowed none of what the request would send.</summary>
    public const string ConsentDenied = "consent-denied";

    /// <summary>503: the gateway could not be asked; nothing is forwarded.</summary>
    public const string GatewayUnavailable = "gateway-unavailable";

    /// <summary>500: the gateway refused the route's question as invalid, so the route's rule is wrong.</summary>
    public const string MisconfiguredRule = "misconfigured-rule";

    /// <summary>500: the request matched a route that has no consent rule.</summary>
    public const string NoConsentRule = "no-consent-rule";

    /// <summary>400: a subject id in the request does not have the shape of one (<see cref="SubjectIds"/>).</summary>
    public const string InvalidSubject = "invalid-subject";

    /// <summary>415: a compressed body cannot be classified.</summary>
    public const string UnsupportedContentEncoding = "unsupported-content-encoding";

    /// <summary>400: the body is JSON but neither an object nor an array.</summary>
    public const string UnclassifiableBody = "unclassifiable-body";

    /// <summary>Every code the proxy answers, its own and the gateway's it shares.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        ConsentDenied, GatewayUnavailable, MisconfiguredRule, NoConsentRule, InvalidSubject, UnsupportedContentEncoding, UnclassifiableBody,
        ProblemCodes.MissingSubject, ProblemCodes.MalformedJson, ProblemCodes.UnsupportedMediaType, ProblemCodes.BodyTooLarge,
        ProblemCodes.RepeatedHeader, ProblemCodes.MalformedConsistencyToken, ProblemCodes.ForgedConsistencyToken,
    ];
}
