using System.Text.Json.Nodes;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Impact;
using ConsentGateway.Core.Policy;
using ConsentGateway.Core.Projection;
using ConsentGateway.Testing.InMemory;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Core.Tests.Impact;

/// <summary>
/// The impact of a candidate policy over a seeded projection, against answers worked out by hand
/// from docs/policy.md: the cut-off moved from 2020-04-06 to 2018-01-01, and a new ad platform.
/// </summary>
public sealed class PolicyImpactAnalysisTests
{
    private static readonly CompiledPolicy Current = PolicyLoader.LoadDefault();

    private readonly InMemoryProjectionStore _store = new();

    [Fact]
    public async Task Moving_the_cut_off_earlier_lets_only_the_eea_accounts_that_signed_up_between_the_dates_share()
    {
        await SeedAsync();

        var report = await AnalyseAsync(Candidate(cutoff: "2018-01-01T00:00:00Z"));

        // "between" (DE, 2019, enabled) is the one account the old cut-off denied and the new one does not;
        // "early" (DE, 2017) is cut off under both. Two partners × two items; the device linked to "between" too.
        var flips = report.Rows.Where(row => row.Kind == SubjectKind.Account).ToList();
        Assert.Equal(4, flips.Count);
        Assert.All(flips, row => Assert.Equal(
            (ImpactChange.DenyToAllow, "ad-platforms", "EEA_UK", ReasonCode.EeaUkSignupBeforeCutoff, ReasonCode.SettingEnabled, 1L, "#between"),
            (row.Change, row.Partnership, row.Region, row.FromReason, row.ToReason, row.Count, string.Join(',', row.Examples))));
        Assert.Equal(
            ["facebook/ip_address", "facebook/mobile_ad_id", "google/ip_address", "google/mobile_ad_id"],
            flips.Select(row => $"{row.Partner}/{row.DataItem}").Order(StringComparer.Ordinal));
        // Its phone now shares; the tablet it shares with "refuser" still denies (the most restrictive), now for the setting.
        var devices = report.Rows.Where(row => row.Kind == SubjectKind.Device).ToLookup(row => row.Examples.Single());
        Assert.Equal(["#phone-of-between", "#shared-tablet"], devices.Select(group => group.Key).Order(StringComparer.Ordinal));
        Assert.All(devices["#phone-of-between"], row => Assert.Equal(ImpactChange.DenyToAllow, row.Change));
        Assert.All(devices["#shared-tablet"], row => Assert.Equal(
            (ImpactChange.ReasonChange, ReasonCode.EeaUkSignupBeforeCutoff, ReasonCode.SettingDisabled), (row.Change, row.FromReason, row.ToReason)));
        Assert.Equal(4, devices["#shared-tablet"].Count());
        Assert.Equal((5L, 3L), (report.Accounts, report.Devices));
    }

    [Fact]
    public async Task A_new_partner_is_a_deny_to_allow_where_the_setting_allows_and_a_reason_change_where_it_does_not()
    {
        await SeedAsync();

        var report = await AnalyseAsync(Candidate(newPartner: "tiktok"));

        var ip = report.Rows.Where(row => row.Partner == "tiktok" && row.DataItem == "ip_address" && row.Kind == SubjectKind.Account)
            .ToDictionary(row => (row.Change, row.Region, row.ToReason), row => row.Count);
        Assert.Equal(
            new Dictionary<(ImpactChange, string, ReasonCode), long>
            {
                [(ImpactChange.DenyToAllow, "EEA_UK", ReasonCode.SettingEnabled)] = 1, // "late" (DE, 2021, enabled)
                [(ImpactChange.DenyToAllow, "elsewhere", ReasonCode.SettingEnabled)] = 1, // "american" (US, default enabled)
                [(ImpactChange.ReasonChange, "EEA_UK", ReasonCode.SettingDisabled)] = 1, // "refuser" (DE, 2021, disabled)
                [(ImpactChange.ReasonChange, "EEA_UK", ReasonCode.EeaUkSignupBeforeCutoff)] = 2, // "early", "between"
            },
            ip);
        Assert.All(report.Rows.Where(row => row.Partner == "tiktok"), row => Assert.Equal(ReasonCode.UnknownPartner, row.FromReason));

        // The device with no account: allowed before sign-up under the new partner; the device of many accounts: the most restrictive.
        var unlinked = Assert.Single(report.Rows, row => row.Kind == SubjectKind.Device && row.Region == "no account" && row.DataItem == "ip_address");
        Assert.Equal((ImpactChange.DenyToAllow, ReasonCode.BeforeSignup), (unlinked.Change, unlinked.ToReason));
        Assert.DoesNotContain(report.Rows, row => row.Partner != "tiktok");
    }

    [Fact]
    public async Task The_same_policy_changes_nothing()
    {
        await SeedAsync();

        var report = await AnalyseAsync(Current);

        Assert.Empty(report.Rows);
    }

    [Fact]
    public async Task Examples_are_capped_and_the_count_covers_every_subject()
    {
        for (var i = 0; i < 50; i++)
        {
            await PutAccountAsync($"user-{i:D2}", "FR", "2019-06-01T00:00:00Z", setting: true);
        }

        var report = await AnalyseAsync(Candidate(cutoff: "2018-01-01T00:00:00Z"));

        Assert.All(report.Rows, row => Assert.Equal((50L, 3), (row.Count, row.Examples.Count)));
    }

    private Task<ImpactReport> AnalyseAsync(CompiledPolicy candidate) =>
        new PolicyImpactAnalysis(_store, _store, Options.Create(new AccountsOptions())).AnalyseAsync(Current, candidate, id => "#" + id, CancellationToken.None);

    private async Task SeedAsync()
    {
        await PutAccountAsync("early", "DE", "2017-05-01T00:00:00Z", setting: true);
        await PutAccountAsync("between", "DE", "2019-05-01T00:00:00Z", setting: true);
        await PutAccountAsync("late", "DE", "2021-03-01T00:00:00Z", setting: true);
        await PutAccountAsync("refuser", "DE", "2021-03-01T00:00:00Z", setting: false);
        await PutAccountAsync("american", "US", "2021-03-01T00:00:00Z", setting: null);
        await _store.TryPutDeviceAsync(new DeviceProjection("phone-of-between", ["between"], 1), null, CancellationToken.None);
        await _store.TryPutDeviceAsync(new DeviceProjection("shared-tablet", ["between", "refuser"], 2), null, CancellationToken.None);
        await _store.TryPutDeviceAsync(new DeviceProjection("new-phone", [], 0), null, CancellationToken.None);
    }

    private Task<string?> PutAccountAsync(string userId, string country, string signedUpAt, bool? setting) =>
        _store.TryPutAccountAsync(
            new AccountProjection(userId, true, CountryCode.Parse(country), DateTimeOffset.Parse(signedUpAt, System.Globalization.CultureInfo.InvariantCulture), setting, 1, setting is null ? 0 : 1),
            null,
            CancellationToken.None);

    private static CompiledPolicy Candidate(string? cutoff = null, string? newPartner = null)
    {
        var document = JsonNode.Parse(PolicyLoader.Serialize(Current.Document))!;
        document["policyVersion"] = "candidate";
        if (cutoff is not null)
        {
            document["partnerships"]![0]!["signupCutoff"]!["before"] = cutoff;
        }

        if (newPartner is not null)
        {
            document["partners"]!.AsArray().Add(new JsonObject
            {
                ["id"] = newPartner,
                ["partnership"] = "ad-platforms",
                ["role"] = "controller",
                ["displayName"] = new JsonObject { ["en"] = newPartner },
            });
        }

        return CompiledPolicy.Compile(PolicyLoader.Parse(document.ToJsonString()));
    }
}
