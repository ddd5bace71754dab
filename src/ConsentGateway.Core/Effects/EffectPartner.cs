namespace ConsentGateway.Core.Effects;

/// <summary>A partner of a partnership as people see it.</summary>
/// <param name="Id">The partner's id.</param>
/// <param name="Name">Its display name (English).</param>
/// <param name="Role"><c>controller</c>, <c>advertiser</c> or <c>processor</c>, as the policy says.</param>
/// <param name="PrivacyPolicyUrl">Its own privacy policy, when the policy links one.</param>
public sealed record EffectPartner(string Id, string Name, string Role, string? PrivacyPolicyUrl);
