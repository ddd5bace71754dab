namespace ConsentGateway.Core.Accounts;

/// <summary><c>Consent:Accounts</c>: limits of the write side.</summary>
public sealed class AccountsOptions
{
    public const string SectionName = "Consent:Accounts";

    /// <summary>The most a device's projection row can list: 200 ids of the longest length (128) fit in one 64 KiB property.</summary>
    public const int MaxAllowedAccountsPerDevice = 200;

    /// <summary>
    /// How many accounts one device may be linked to. A phone or a family tablet has a few; a
    /// device id shared by many more (the all-zero iOS advertising id, device farms) is not one
    /// person's device and is denied rather than served. Each linked account is one more entry
    /// a device-keyed decision reads, so the limit also bounds that decision's work.
    /// </summary>
    public int MaxAccountsPerDevice { get; set; } = 16;
}
