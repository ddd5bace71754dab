namespace ConsentGateway.Contracts;

/// <summary>The strings of an effects answer (<see cref="PartnershipEffectResponse"/>).</summary>
public static class EffectValues
{
    /// <summary><c>sharing</c>: the partnership's data about the account may go to its controllers and advertisers now.</summary>
    public const string Allowed = "allowed";

    /// <summary><c>sharing</c>: it may not.</summary>
    public const string NotAllowed = "not-allowed";

    /// <summary><c>beforeSignup</c>: a device used before signing up shares where the setting governs.</summary>
    public const string Allow = "allow";

    /// <summary><c>beforeSignup</c>: it does not.</summary>
    public const string Deny = "deny";

    public static IReadOnlyList<string> Sharing { get; } = [Allowed, NotAllowed];

    public static IReadOnlyList<string> BeforeSignup { get; } = [Allow, Deny];
}
