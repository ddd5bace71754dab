
namespace ConsentGateway.Core.Accounts;

/// <summary>
/// One accepted setting change, kept forever as proof of consent (GDPR Art. 7(1)).
/// <see cref="Enabled"/> is <c>null</c> for the reset to the default when the account was deleted.
/// </summary>
public sealed record SettingChange(long Version, bool? Enabled, DateTimeOffset At, ChangeChannel Channel, string PolicyVersion);
