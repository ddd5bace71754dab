namespace ConsentGateway.Core.Policy;

public sealed record PartnershipDocument
{
    public string? Id { get; init; }

    /// <summary>A region id, or <c>*</c> for everywhere.</summary>
    public string? SettingScope { get; init; }

    public IReadOnlyList<string>? Data { get; init; }

    /// <summary><c>allow</c> or <c>deny</c>: what a registered device with no account gets where the setting governs.</summary>
    public string? BeforeSignup { get; init; }

    public SignupCutoffDocument? SignupCutoff { get; init; }

    /// <summary>What people call the partnership, by language tag (<c>en</c> required).</summary>
    public IReadOnlyDictionary<string, string>? Title { get; init; }

    /// <summary>What it shares with whom, in plain words, by language tag (<c>en</c> required).</summary>
    public IReadOnlyDictionary<string, string>? Description { get; init; }
}
