namespace ConsentGateway.Core.Evaluation;

/// <summary>
/// The stable reason codes of SPEC §4. The order is the priority among denials: when several
/// reasons deny the same item, the item names the first; reasons are listed in this order.
/// <see cref="TooManyLinkedAccounts"/> is the gateway's own (README, "Reason codes"): like an
/// unknown device it says the device's accounts were not consulted at all, so it comes with it,
/// before the reasons a consulted account gives.
/// </summary>
public enum ReasonCode
{
    NeverSharedData,
    UnknownPartner,
    DataNotInPartnership,
    StoreUnavailable,
    UnknownAccount,
    UnknownDevice,
    TooManyLinkedAccounts,
    LocationUnknown,
    EeaUkSignupBeforeCutoff,
    SettingDisabled,
    BeforeSignup,
    SettingNotApplicableInRegion,
    SettingEnabled,
    ProcessorForCompany,
}
