namespace ConsentGateway.Http;

/// <summary>Scopes of the API (SPEC §5, "who may do what").</summary>
public static class Scopes
{
    /// <summary>An app acting for the signed-in user (<c>sub</c>): only that user's setting, history and device links.</summary>
    public const string User = "consent.user";

    /// <summary>The account service: every account and device.</summary>
    public const string Accounts = "consent.accounts";
}
