using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Effects;
using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Policy;
using ConsentGateway.Core.Projection;
using ConsentGateway.Testing;

namespace ConsentGateway.Core.Tests.Effects;

/// <summary>What the setting does for one account, per region, cut-off and setting, from the shipped policy.</summary>
public sealed class EffectsEvaluatorTests
{
    private const string AdPlatforms = "ad-platforms";
    private const string Campaigns = "app-campaign-measurement";
    private static readonly CompiledPolicy Policy = PolicyLoader.Load(null);
    private static readonly DateTimeOffset AfterCutoff = new(2021, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset BeforeCutoff = new(2020, 4, 5, 23, 59, 59, TimeSpan.Zero);

    [Fact]
    public void An_eea_account_after_the_cut_off_that_never_touched_the_setting_shares_nothing_and_is_told_the_before_signup_rules()
    {
        var effects = Evaluate(Account("DE", AfterCutoff, setting: null));

        Assert.Equal(("EEA_UK", "2020-04-06", "2020-04-06"), (effects.Region, effects.PolicyVersion, effects.NoticeVersion));
        Assert.Equal((false, true, 0L), (effects.Setting.Enabled, effects.Setting.IsDefault, effects.Setting.Version));
        Assert.True(effects.InEffect);
        Assert.Equal([AdPlatforms, Campaigns], effects.Partnerships.Select(p => p.Id));
        Assert.All(effects.Partnerships, p => Assert.Equal((true, false, ReasonCode.SettingDisabled), (p.GovernedBySetting, p.Allowed, p.Reason)));

        var ads = Partnership(effects, AdPlatforms);
        Assert.True(ads.BeforeSignupAllowed);
        Assert.Contains("Your setting is off (the default", ads.Explanation, StringComparison.Ordinal);
        Assert.Contains("nothing is shared with Google and Facebook", ads.Explanation, StringComparison.Ordinal);
        Assert.Contains("A device used before you had an account shares IP address and mobile device advertising identifier", ads.Explanation, StringComparison.Ordinal);
        var campaigns = Partnership(effects, Campaigns);
        Assert.False(campaigns.BeforeSignupAllowed);
        Assert.Contains("A device used before you had an account shares nothing under this partnership", campaigns.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void An_eea_account_that_signed_up_before_the_cut_off_is_told_plainly_that_nothing_is_shared_even_with_the_setting_on()
    {
        var effects = Evaluate(Account("FR", BeforeCutoff, setting: true));

        var ads = Partnership(effects, AdPlatforms);
        Assert.Equal((true, false, ReasonCode.EeaUkSignupBeforeCutoff), (ads.GovernedBySetting, ads.Allowed, ads.Reason));
        Assert.Equal(
            "Your account signed up in the EEA or the UK before 6 April 2020, so nothing is shared with Google and Facebook under this partnership, even if your setting is on. "
            + "A device used before you had an account shares IP address and mobile device advertising identifier under this partnership until it is linked to your account; from then on your setting decides.",
            ads.Explanation);

        // The cut-off is ad-platforms' alone: the campaigns follow the setting.
        Assert.Equal((true, ReasonCode.SettingEnabled), (Partnership(effects, Campaigns).Allowed, Partnership(effects, Campaigns).Reason));
    }

    [Fact]
    public void An_eea_account_after_the_cut_off_with_the_setting_on_shares_both_partnerships()
    {
        var effects = Evaluate(Account("GB", AfterCutoff, setting: true));

        Assert.All(effects.Partnerships, p => Assert.Equal((true, true, ReasonCode.SettingEnabled), (p.GovernedBySetting, p.Allowed, p.Reason)));
        Assert.StartsWith("Your setting is on, so IP address and mobile device advertising identifier may be shared with Google and Facebook.", Partnership(effects, AdPlatforms).Explanation, StringComparison.Ordinal);
        Assert.False(effects.Setting.IsDefault);
    }

    [Theory]
    [InlineData(null, true, ReasonCode.SettingEnabled)]
    [InlineData(false, false, ReasonCode.SettingDisabled)]
    public void Outside_the_eea_the_setting_governs_ad_platforms_but_does_not_apply_to_the_campaigns(bool? setting, bool adsAllowed, ReasonCode adsReason)
    {
        var effects = Evaluate(Account("US", BeforeCutoff, setting));

        Assert.Equal(EffectsEvaluator.Elsewhere, effects.Region);
        var ads = Partnership(effects, AdPlatforms);
        Assert.Equal((true, adsAllowed, adsReason), (ads.GovernedBySetting, ads.Allowed, ads.Reason));

        var campaigns = Partnership(effects, Campaigns);
        Assert.Equal((false, true, ReasonCode.SettingNotApplicableInRegion), (campaigns.GovernedBySetting, campaigns.Allowed, campaigns.Reason));
        Assert.StartsWith("Your setting does not apply to this partnership where your account is located", campaigns.Explanation, StringComparison.Ordinal);

        // Where the setting does not govern, the before-signup rule is not the account's concern.
        Assert.DoesNotContain("before you had an account", campaigns.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void While_a_change_is_not_projected_the_setting_is_the_stored_one_and_not_in_effect_and_the_answers_are_the_projections()
    {
        var stored = Account("DE", AfterCutoff, setting: true) with { SettingVersion = 2 };
        var projected = AccountProjection.From(stored with { Setting = false, SettingVersion = 1 });

        var effects = EffectsEvaluator.Evaluate(Policy, stored, projected);

        Assert.Equal((true, 2L, false), (effects.Setting.Enabled, effects.Setting.Version, effects.InEffect));
        Assert.All(effects.Partnerships, p => Assert.Equal((false, ReasonCode.SettingDisabled), (p.Allowed, p.Reason)));
        Assert.True(EffectsEvaluator.Evaluate(Policy, stored, AccountProjection.From(stored with { SettingVersion = 3 })).InEffect);
    }

    [Fact]
    public void A_move_to_another_country_not_yet_projected_is_not_in_effect_and_the_answers_are_those_of_the_projected_country()
    {
        // The account moved from DE to US (revision 2); decisions still place it in DE with the setting off.
        var projected = AccountProjection.From(Account("DE", AfterCutoff, setting: false));
        var stored = Account("US", AfterCutoff, setting: false) with { Revision = 2 };

        var effects = EffectsEvaluator.Evaluate(Policy, stored, projected);

        Assert.False(effects.InEffect);
        var campaigns = Partnership(effects, Campaigns);
        Assert.Equal((true, false, ReasonCode.SettingDisabled), (campaigns.GovernedBySetting, campaigns.Allowed, campaigns.Reason));
        Assert.True(EffectsEvaluator.Evaluate(Policy, stored, AccountProjection.From(stored)).InEffect);
        Assert.False(Partnership(EffectsEvaluator.Evaluate(Policy, stored, AccountProjection.From(stored)), Campaigns).GovernedBySetting);
    }

    [Fact]
    public void An_account_decisions_do_not_know_yet_shares_nothing_and_is_not_in_effect()
    {
        var effects = EffectsEvaluator.Evaluate(Policy, Account("US", AfterCutoff, setting: true), projection: null);

        Assert.False(effects.InEffect);
        Assert.All(effects.Partnerships, p => Assert.Equal((false, ReasonCode.UnknownAccount), (p.Allowed, p.Reason)));
        Assert.Contains("do not know your account yet", Partnership(effects, AdPlatforms).Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Partners_and_data_items_come_with_the_policys_texts()
    {
        var ads = Partnership(Evaluate(Account("DE", AfterCutoff, setting: null)), AdPlatforms);

        Assert.Equal("Advertising platforms we market ourselves on", ads.Title);
        Assert.StartsWith("We share the IP address", ads.Description, StringComparison.Ordinal);
        Assert.Equal(
            [new EffectPartner("google", "Google", "controller", "https://policies.google.com/privacy"), new EffectPartner("facebook", "Facebook", "controller", "https://www.facebook.com/privacy/policy/")],
            ads.Partners);
        Assert.Equal([new EffectDataItem("ip_address", "IP address"), new EffectDataItem("mobile_ad_id", "Mobile device advertising identifier")], ads.Data);
    }

    [Fact]
    public void For_every_account_of_the_evaluation_table_each_partnership_answers_what_evaluate_answers_its_partners()
    {
        var table = EvaluationCaseTable.Instance;
        var policy = table.Policy;
        var compared = 0;
        foreach (var account in table.Cases.SelectMany(c => c.Accounts ?? new Dictionary<string, CaseAccount>()).Select(a => a.Value).Distinct())
        {
            var record = new AccountRecord("u1", CountryCode.Parse(account.Country), account.SignedUpAt, 1, account.Setting, account.Setting is null ? 0 : 1, null, false, "t");
            var effects = EffectsEvaluator.Evaluate(policy, record, AccountProjection.From(record));
            foreach (var effect in effects.Partnerships)
            {
                var partnership = policy.Partnerships.Single(p => p.Id == effect.Id);
                foreach (var partner in effect.Partners.Where(p => p.Role != "processor"))
                {
                    var request = new DecisionRequest(policy.ResolvePartner(partner.Id), PartnerRef.None, partnership.Data, default);
                    var decision = PolicyEvaluator.Evaluate(policy, request, SubjectFacts.ForUser(AccountLookup.Found(account.ToFacts())));
                    Assert.Equal((decision.Outcome == DecisionOutcome.Allow, decision.Reasons.First), (effect.Allowed, effect.Reason));
                    compared++;
                }
            }
        }

        Assert.True(compared > 20, $"only {compared} comparisons");
    }

    private static SettingEffects Evaluate(AccountRecord account) => EffectsEvaluator.Evaluate(Policy, account, AccountProjection.From(account));

    private static AccountRecord Account(string country, DateTimeOffset signedUpAt, bool? setting) =>
        new("u1", CountryCode.Parse(country), signedUpAt, 1, setting, setting is null ? 0 : 1, setting is null ? null : signedUpAt.AddDays(1), false, "t1");

    private static PartnershipEffect Partnership(SettingEffects effects, string id) => effects.Partnerships.Single(p => p.Id == id);
}
