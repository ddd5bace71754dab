namespace ConsentGateway.Contracts;

/// <summary>The three answers to "may this data go": the <c>decision</c> member and the <c>X-Consent-Decision</c> header.</summary>
public static class Decisions
{
    /// <summary>Every requested data item may go.</summary>
    public const string Allow = "allow";

    /// <summary>Some may go (<c>allowed</c>), the others not (<c>denied</c>).</summary>
    public const string Partial = "partial";

    /// <summary>None may go.</summary>
    public const string Deny = "deny";

    public static IReadOnlyList<string> All { get; } = [Allow, Partial, Deny];
}
