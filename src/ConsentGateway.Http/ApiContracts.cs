using System.Text.Json;
using System.Text.Json.Serialization;

namespace ConsentGateway.Http;

/// <summary>Body of <c>PUT /api/v1/accounts/{userId}</c>.</summary>
public sealed record AccountBody(string? SignedUpAt, string? Country);

// Instants are answered as UTC DateTimes, which JSON writes with a 'Z', as requests give them.

/// <summary>An account as answered by the API.</summary>
public sealed record AccountResponse(string UserId, string Country, DateTime SignedUpAt, long Revision);

/// <summary>Body of <c>PUT /api/v1/accounts/{userId}/partner-sharing</c>.</summary>
public sealed record SettingBody(bool? Enabled);

/// <summary>The partner-sharing setting as answered by the API.</summary>
public sealed record SettingResponse(bool Enabled, bool IsDefault, long Version, DateTime? UpdatedAt);

/// <summary>One accepted change; <c>enabled</c> is null for the reset to the default when the account was deleted.</summary>
public sealed record HistoryEntry(long Version, bool? Enabled, DateTime At, string Channel, string PolicyVersion);

public sealed record HistoryResponse(string UserId, IReadOnlyList<HistoryEntry> Changes);

public sealed record DeviceResponse(string AdId);

public sealed record DeviceLinkResponse(string AdId, string UserId);

/// <summary>The subject of an evaluation: a user, a device, or both.</summary>
public sealed record SubjectBody(string? UserId, string? DeviceAdId);

/// <summary>
/// Body of <c>POST /api/v1/evaluate</c>, and one request of a batch (<c>id</c> is echoed in its
/// result): the shape the OpenAPI document describes; <see cref="EvaluationBodies"/> reads it.
/// </summary>
public sealed record EvaluateBody(string? Id, string? Partner, string? Via, SubjectBody? Subject, IReadOnlyList<string>? Data, string? Country);

/// <summary>Body of <c>POST /api/v1/evaluate/batch</c>.</summary>
public sealed record BatchBody(IReadOnlyList<EvaluateBody>? Requests);

/// <summary>
/// Strict JSON for the API: camelCase, unknown or duplicate properties are refused, numbers
/// are not read from strings. Source-generated, so nothing is reflected at run time.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowDuplicateProperties = false,
    NumberHandling = JsonNumberHandling.Strict,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(AccountBody))]
[JsonSerializable(typeof(AccountResponse))]
[JsonSerializable(typeof(SettingBody))]
[JsonSerializable(typeof(SettingResponse))]
[JsonSerializable(typeof(HistoryResponse))]
[JsonSerializable(typeof(DeviceResponse))]
[JsonSerializable(typeof(DeviceLinkResponse))]
[JsonSerializable(typeof(EvaluateBody))]
[JsonSerializable(typeof(BatchBody))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
