namespace ConsentGateway.Contracts;

/// <summary>
/// The stable reason codes of decisions (SPEC §4; their priority among each other is the
/// evaluator's), plus the few reasons that are not decisions of the policy but say why no
/// decision was made.
/// </summary>
public static class ReasonCodes
{
    public const string SettingEnabled = "SETTING_ENABLED";
    public const string SettingDisabled = "SETTING_DISABLED";
    public const string BeforeSignup = "BEFORE_SIGNUP";
    public const string SettingNotApplicableInRegion = "SETTING_NOT_APPLICABLE_IN_REGION";
    public const string EeaUkSignupBeforeCutoff = "EEA_UK_SIGNUP_BEFORE_CUTOFF";
    public const string ProcessorForCompany = "PROCESSOR_FOR_COMPANY";
    public const string NeverSharedData = "NEVER_SHARED_DATA";
    public const string DataNotInPartnership = "DATA_NOT_IN_PARTNERSHIP";
    public const string UnknownPartner = "UNKNOWN_PARTNER";
    public const string UnknownAccount = "UNKNOWN_ACCOUNT";
    public const string UnknownDevice = "UNKNOWN_DEVICE";
    public const string LocationUnknown = "LOCATION_UNKNOWN";
    public const string StoreUnavailable = "STORE_UNAVAILABLE";

    /// <summary>A device linked to more accounts than <c>Consent:Accounts:MaxAccountsPerDevice</c>: not evaluated, denied (not in SPEC §4's list; README names it).</summary>
    public const string TooManyLinkedAccounts = "TOO_MANY_LINKED_ACCOUNTS";

    /// <summary>Every reason a decision of the policy can give: SPEC §4's list, plus the ones README's "Reason codes" adds.</summary>
    public static IReadOnlyList<string> Decision { get; } =
    [
        SettingEnabled, SettingDisabled, BeforeSignup, SettingNotApplicableInRegion, EeaUkSignupBeforeCutoff, ProcessorForCompany,
        NeverSharedData, DataNotInPartnership, UnknownPartner, UnknownAccount, UnknownDevice, LocationUnknown, StoreUnavailable,
        TooManyLinkedAccounts,
    ];

    /// <summary><c>/check</c>: the request carried no key of a configured proxy (401).</summary>
    public const string ProxyUnauthorized = "PROXY_UNAUTHORIZED";

    /// <summary><c>/check</c>: the proxy may not ask about this partner (403).</summary>
    public const string ProxyNotAllowed = "PROXY_NOT_ALLOWED";

    /// <summary>The .NET client: the gateway could not be asked or gave no usable answer, so it denies.</summary>
    public const string GatewayUnavailable = "GATEWAY_UNAVAILABLE";
}
