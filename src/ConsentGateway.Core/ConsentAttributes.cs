namespace ConsentGateway.Core;

/// <summary>
/// The names of the gateway's own metric and span attributes, namespaced under <c>consent.</c>
/// as the OpenTelemetry semantic conventions ask of attributes that are not theirs.
/// </summary>
public static class ConsentAttributes
{
    /// <summary>The outcome: <c>allow</c>, <c>deny</c> or <c>partial</c>.</summary>
    public const string Decision = "consent.decision";

    /// <summary>A reason code, e.g. <c>SETTING_DISABLED</c>.</summary>
    public const string Reason = "consent.reason";

    /// <summary>The partner the policy resolved (<c>unknown</c> for an id it does not name, so the set stays bounded).</summary>
    public const string Partner = "consent.partner";

    /// <summary>The decision's id (spans only: one value per decision).</summary>
    public const string DecisionId = "consent.decision.id";

    /// <summary>What a change notice is about: <c>account</c>, <c>setting</c> or <c>device</c>.</summary>
    public const string ChangeKind = "consent.change.kind";

    /// <summary>How many intents a repair pass published again.</summary>
    public const string Republished = "consent.repair.republished";

    /// <summary>How many changes a poll of the change log read.</summary>
    public const string ChangesRead = "consent.watch.changes";

    /// <summary>The value of <see cref="Partner"/> for a partner the policy does not name.</summary>
    public const string UnknownPartner = "unknown";
}
