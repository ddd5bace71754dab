using System.Text.Json.Serialization;

namespace ConsentGateway.Contracts;

// The bodies of what a person reads about their own setting (SPEC §4): its effects and the export
// of everything held about the account. Shapes: docs/effects.md.

/// <summary>What the setting does for one account now: <c>GET /api/v1/accounts/{userId}/partner-sharing/effects</c>.</summary>
public sealed record EffectsResponse(
    string UserId,
    string PolicyVersion,
    string NoticeVersion,
    string Country,
    string Region,
    DateTime SignedUpAt,
    EffectsSettingResponse Setting,
    IReadOnlyList<PartnershipEffectResponse> Partnerships);

/// <summary>The stored setting, and whether decisions already read this version of it.</summary>
public sealed record EffectsSettingResponse(bool Enabled, bool IsDefault, long Version, bool InEffect);

/// <summary>One partnership: whether the setting governs it here, what decisions answer now and why, in plain words.</summary>
public sealed record PartnershipEffectResponse(
    string Id,
    string Title,
    string Description,
    bool GovernedBySetting,
    string Sharing,
    string Reason,
    string Explanation,
    string BeforeSignup,
    IReadOnlyList<EffectPartnerResponse> Partners,
    IReadOnlyList<EffectDataItemResponse> Data);

/// <summary>A partner of a partnership, by its display name; <c>privacyPolicyUrl</c> only when the policy links one.</summary>
public sealed record EffectPartnerResponse(
    string Id,
    string Name,
    string Role,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PrivacyPolicyUrl);

/// <summary>A data item and its label for people.</summary>
public sealed record EffectDataItemResponse(string Id, string Label);

/// <summary>Everything held about an account (data subject access): <c>GET /api/v1/accounts/{userId}/export</c>.</summary>
public sealed record ExportResponse(
    DateTime ExportedAt,
    string UserId,
    ExportAccountResponse Account,
    SettingResponse Setting,
    IReadOnlyList<HistoryEntry> History,
    EffectsResponse Effects,
    IReadOnlyList<ExportDeviceResponse> Devices);

/// <summary>The account's facts in an export.</summary>
public sealed record ExportAccountResponse(string Country, DateTime SignedUpAt);

/// <summary>A device linked to the account, in an export.</summary>
public sealed record ExportDeviceResponse(string AdId);
