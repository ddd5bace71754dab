using System.Text.Json.Serialization;

namespace ConsentGateway.Core.Policy;

/// <summary>
/// The policy document as written in JSON (SPEC §3). Every field is nullable so that a
/// missing one is reported by <see cref="PolicyValidator"/> with its path, not by the parser.
/// </summary>
public sealed record PolicyDocument
{
    public string? PolicyVersion { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Regions { get; init; }

    public IReadOnlyList<string>? NeverShared { get; init; }

    public IReadOnlyDictionary<string, bool>? Defaults { get; init; }

    public IReadOnlyList<PartnershipDocument>? Partnerships { get; init; }

    public IReadOnlyList<PartnerDocument>? Partners { get; init; }
}

public sealed record PartnershipDocument
{
    public string? Id { get; init; }

    /// <summary>A region id, or <c>*</c> for everywhere.</summary>
    public string? SettingScope { get; init; }

    public IReadOnlyList<string>? Data { get; init; }

    /// <summary><c>allow</c> or <c>deny</c>: what a registered device with no account gets where the setting governs.</summary>
    public string? BeforeSignup { get; init; }

    public SignupCutoffDocument? SignupCutoff { get; init; }
}

public sealed record SignupCutoffDocument
{
    public string? Region { get; init; }

    /// <summary>An ISO 8601 UTC instant; accounts that signed up strictly before it are cut off.</summary>
    public string? Before { get; init; }
}

public sealed record PartnerDocument
{
    public string? Id { get; init; }

    public string? Partnership { get; init; }

    /// <summary><c>controller</c>, <c>advertiser</c> or <c>processor</c>.</summary>
    public string? Role { get; init; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowDuplicateProperties = false,
    WriteIndented = true)]
[JsonSerializable(typeof(PolicyDocument))]
internal sealed partial class PolicyJsonContext : JsonSerializerContext;
