using System.Text.Json.Serialization;

namespace ConsentGateway.Core.Policy;

/// <summary>
/// The policy document as written in JSON (SPEC §3). Every field is nullable so that a
/// missing one is reported by <see cref="PolicyValidator"/> with its path, not by the parser.
/// The JSON Schema of the same shape ships beside the default document (<c>policy.schema.json</c>).
/// </summary>
public sealed record PolicyDocument
{
    /// <summary>Where an editor finds the JSON Schema; ignored by the gateway.</summary>
    [JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    public string? PolicyVersion { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Regions { get; init; }

    public IReadOnlyList<string>? NeverShared { get; init; }

    public IReadOnlyDictionary<string, bool>? Defaults { get; init; }

    public IReadOnlyList<PartnershipDocument>? Partnerships { get; init; }

    public IReadOnlyList<PartnerDocument>? Partners { get; init; }

    /// <summary>Texts for people about each data item, by id: every item of a partnership or of <see cref="NeverShared"/> has one.</summary>
    public IReadOnlyDictionary<string, DataItemDocument>? DataItems { get; init; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowDuplicateProperties = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(PolicyDocument))]
internal sealed partial class PolicyJsonContext : JsonSerializerContext;
