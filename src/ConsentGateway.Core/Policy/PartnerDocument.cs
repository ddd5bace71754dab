namespace ConsentGateway.Core.Policy;

public sealed record PartnerDocument
{
    public string? Id { get; init; }

    public string? Partnership { get; init; }

    /// <summary><c>controller</c>, <c>advertiser</c> or <c>processor</c>.</summary>
    public string? Role { get; init; }

    /// <summary>The partner's name as people know it, by language tag (<c>en</c> required).</summary>
    public IReadOnlyDictionary<string, string>? DisplayName { get; init; }

    /// <summary>An absolute https link to the partner's own privacy policy, when it has one.</summary>
    public string? PrivacyPolicyUrl { get; init; }
}
