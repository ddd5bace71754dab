namespace ConsentGateway.Core.Evaluation;

/// <summary>
/// The stable reason codes of SPEC §4. The order is the priority among denials: when several
/// reasons deny the same item, the item names the first; reasons are listed in this order.
/// </summary>
public enum ReasonCode
{
    NeverSharedData,
    UnknownPartner,
    DataNotInPartnership,
    StoreUnavailable,
    UnknownAccount,
    UnknownDevice,
    LocationUnknown,
    EeaUkSignupBeforeCutoff,
    SettingDisabled,
    BeforeSignup,
    SettingNotApplicableInRegion,
    SettingEnabled,
    ProcessorForCompany,
}
