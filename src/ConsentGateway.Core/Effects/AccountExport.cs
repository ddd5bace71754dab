using ConsentGateway.Core.Accounts;

namespace ConsentGateway.Core.Effects;

/// <summary>Everything the gateway holds about one account, for the person it is about (data subject access).</summary>
/// <param name="ExportedAt">When it was read.</param>
/// <param name="Account">The account's facts.</param>
/// <param name="Setting">The stored setting.</param>
/// <param name="History">Every accepted change of the setting, oldest first, with its receipt.</param>
/// <param name="Effects">What the setting does for the account now.</param>
/// <param name="Devices">The advertising ids of every device linked to the account, in ordinal order.</param>
public sealed record AccountExport(
    DateTimeOffset ExportedAt,
    AccountRecord Account,
    SettingView Setting,
    IReadOnlyList<SettingChange> History,
    SettingEffects Effects,
    IReadOnlyList<string> Devices);
