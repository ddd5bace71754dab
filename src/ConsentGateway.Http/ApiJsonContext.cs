using System.Text.Json;
using System.Text.Json.Serialization;
using ConsentGateway.Contracts;

namespace ConsentGateway.Http;

/// <summary>
/// Strict JSON for the API: camelCase, duplicate properties are refused, numbers are not read
/// from strings; unknown properties are refused by <see cref="JsonRequestBody"/>, which finds
/// them from this metadata (<see cref="UnknownMembers"/>). Source-generated, so nothing is reflected at run time.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    AllowDuplicateProperties = false,
    NumberHandling = JsonNumberHandling.Strict,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(AccountBody))]
[JsonSerializable(typeof(AccountResponse))]
[JsonSerializable(typeof(SettingBody))]
[JsonSerializable(typeof(SettingResponse))]
[JsonSerializable(typeof(HistoryResponse))]
[JsonSerializable(typeof(EffectsResponse))]
[JsonSerializable(typeof(ExportResponse))]
[JsonSerializable(typeof(DeviceResponse))]
[JsonSerializable(typeof(DeviceLinkResponse))]
[JsonSerializable(typeof(EvaluateBody))]
[JsonSerializable(typeof(BatchBody))]
[JsonSerializable(typeof(PolicyResponse))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
