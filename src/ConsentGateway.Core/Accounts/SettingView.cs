
namespace ConsentGateway.Core.Accounts;

/// <summary>The setting as apps see it.</summary>
/// <param name="Enabled">The effective value: the explicit one, else the default of the account's region.</param>
/// <param name="IsDefault">The account never set it.</param>
/// <param name="Version">0 before the first change, then 1, 2, …; the ETag of the setting.</param>
/// <param name="UpdatedAt">When it last changed; <c>null</c> while it is the default.</param>
public sealed record SettingView(bool Enabled, bool IsDefault, long Version, DateTimeOffset? UpdatedAt);
