namespace ConsentGateway.Contracts;

/// <summary>
/// The <c>type</c> of every RFC 9457 problem the gateway and the redacting proxy answer: a URN
/// made of <see cref="Prefix"/> and the stable <c>code</c> (<see cref="ProblemCodes"/>), which the
/// problem also carries as its <c>code</c> member.
/// </summary>
public static class ProblemTypes
{
    public const string Prefix = "urn:consent-gateway:problem:";

    /// <summary>The extension member that repeats the code.</summary>
    public const string CodeMember = "code";

    public static string Of(string code) => Prefix + code;
}
