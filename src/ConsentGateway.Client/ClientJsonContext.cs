using System.Text.Json.Serialization;
using ConsentGateway.Contracts;

namespace ConsentGateway.Client;

/// <summary>The client's JSON: the gateway's request bodies and policy as Contracts has them, replies read leniently.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EvaluateBody))]
[JsonSerializable(typeof(BatchBody))]
[JsonSerializable(typeof(DecisionReply))]
[JsonSerializable(typeof(BatchReply))]
[JsonSerializable(typeof(PolicyResponse))]
internal sealed partial class ClientJsonContext : JsonSerializerContext;
