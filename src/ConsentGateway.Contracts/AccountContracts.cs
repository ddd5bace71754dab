using System.Text.Json.Serialization;

namespace ConsentGateway.Contracts;

// The bodies of the API for apps and the account service. Instants are answered as UTC
// DateTimes, which JSON writes with a 'Z', as requests give them. Every accepted write answers a
// consistencyToken: an egress proxy that passes it back gets an answer that reflects at least
// that write (read-your-writes; docs/evaluation.md).

/// <summary>Body of <c>PUT /api/v1/accounts/{userId}</c>.</summary>
public sealed record AccountBody(string? SignedUpAt, string? Country);

/// <summary>An account as answered by the API, with the consistency token of the write.</summary>
public sealed record AccountResponse(string UserId, string Country, DateTime SignedUpAt, long Revision, string ConsistencyToken);

/// <summary>Body of <c>PUT /api/v1/accounts/{userId}/partner-sharing</c>; <c>noticeVersion</c> is the version of the texts the user saw (<see cref="NoticeVersions"/>).</summary>
public sealed record SettingBody(bool? Enabled, string? NoticeVersion = null);

/// <summary>
/// The partner-sharing setting as answered by the API; the answer of a change carries its
/// consistency token and its receipt id, and the notice version when the change gave one (a read has none of them).
/// </summary>
public sealed record SettingResponse(
    bool Enabled,
    bool IsDefault,
    long Version,
    DateTime? UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ConsistencyToken = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? ReceiptId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? NoticeVersion = null);

/// <summary>
/// One accepted change; <c>enabled</c> is null for the reset to the default when the account was
/// deleted, <c>receiptId</c> for a change accepted before receipts existed, <c>noticeVersion</c> when the change gave none.
/// </summary>
public sealed record HistoryEntry(long Version, bool? Enabled, DateTime At, string Channel, string PolicyVersion, Guid? ReceiptId, string? NoticeVersion);

/// <summary>Every accepted change of an account's setting, oldest first.</summary>
public sealed record HistoryResponse(string UserId, IReadOnlyList<HistoryEntry> Changes);

/// <summary>A registered device, with the consistency token of the registration.</summary>
public sealed record DeviceResponse(string AdId, string ConsistencyToken);

/// <summary>A device linked to an account, with the consistency token of the link.</summary>
public sealed record DeviceLinkResponse(string AdId, string UserId, string ConsistencyToken);
