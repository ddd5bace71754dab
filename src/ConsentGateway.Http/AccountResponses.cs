using ConsentGateway.Contracts;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Effects;
using ConsentGateway.Core.Evaluation;

namespace ConsentGateway.Http;

/// <summary>The answers of a person's reads (history, effects, export) from the use cases' results, written once for every route that answers them.</summary>
internal static class AccountResponses
{
    public static HistoryEntry Entry(SettingChange change) =>
        new(change.Version, change.Enabled, change.At.UtcDateTime, ChannelName(change.Channel), change.PolicyVersion, change.ReceiptId, change.NoticeVersion);

    public static SettingResponse Setting(SettingView view, string? consistencyToken) =>
        new(view.Enabled, view.IsDefault, view.Version, view.UpdatedAt?.UtcDateTime, consistencyToken, view.ReceiptId, view.NoticeVersion);

    public static EffectsResponse Effects(SettingEffects effects) => new(
        effects.UserId,
        effects.PolicyVersion,
        effects.NoticeVersion,
        effects.Country.ToString(),
        effects.Region,
        effects.SignedUpAt.UtcDateTime,
        new EffectsSettingResponse(effects.Setting.Enabled, effects.Setting.IsDefault, effects.Setting.Version, effects.InEffect),
        [.. effects.Partnerships.Select(Partnership)]);

    public static ExportResponse Export(AccountExport export) => new(
        export.ExportedAt.UtcDateTime,
        export.Account.UserId,
        new ExportAccountResponse(export.Account.Country.ToString(), export.Account.SignedUpAt.UtcDateTime),
        Setting(export.Setting, null),
        [.. export.History.Select(Entry)],
        Effects(export.Effects),
        [.. export.Devices.Select(adId => new ExportDeviceResponse(adId))]);

    private static PartnershipEffectResponse Partnership(PartnershipEffect effect) => new(
        effect.Id,
        effect.Title,
        effect.Description,
        effect.GovernedBySetting,
        effect.Allowed ? EffectValues.Allowed : EffectValues.NotAllowed,
        effect.Reason.ToCode(),
        effect.Explanation,
        effect.BeforeSignupAllowed ? EffectValues.Allow : EffectValues.Deny,
        [.. effect.Partners.Select(p => new EffectPartnerResponse(p.Id, p.Name, p.Role, p.PrivacyPolicyUrl))],
        [.. effect.Data.Select(d => new EffectDataItemResponse(d.Id, d.Label))]);

    private static string ChannelName(ChangeChannel channel) => channel == ChangeChannel.User ? "user" : "service";
}
