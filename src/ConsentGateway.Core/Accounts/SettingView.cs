using ConsentGateway.Core.Policy;


namespace ConsentGateway.Core.Accounts;

/// <summary>The setting as apps see it.</summary>
/// <param name="Enabled">The effective value: the explicit one, else the default of the account's region.</param>
/// <param name="IsDefault">The account never set it.</param>
/// <param name="Version">0 before the first change, then 1, 2, …; the ETag of the setting.</param>
/// <param name="UpdatedAt">When it last changed; <c>null</c> while it is the default.</param>
/// <param name="ReceiptId">In the answer to a change: the receipt of that change; <c>null</c> for a read.</param>
/// <param name="NoticeVersion">In the answer to a change: the notice version it was made under, when given.</param>
public sealed record SettingView(bool Enabled, bool IsDefault, long Version, DateTimeOffset? UpdatedAt, Guid? ReceiptId = null, string? NoticeVersion = null)
{
    /// <summary>The account's setting as stored: the explicit value, else the default of its country under <paramref name="policy"/>.</summary>
    public static SettingView Of(AccountRecord account, CompiledPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(policy);
        return new(account.Setting ?? policy.DefaultSettingFor(account.Country), account.Setting is null, account.SettingVersion, account.Setting is null ? null : account.SettingUpdatedAt);
    }
}
