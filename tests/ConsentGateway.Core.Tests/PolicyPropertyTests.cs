using ConsentGateway.Testing;
using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Policy;
using CsCheck;

namespace ConsentGateway.Core.Tests;

/// <summary>Properties of the evaluator over random requests and subjects (CsCheck).</summary>
public class PolicyPropertyTests
{
    private const int Iterations = 20_000;
    private static readonly CompiledPolicy Policy = EvaluationCaseTable.Instance.Policy;
    private static readonly DateTimeOffset Cutoff = new(2020, 4, 6, 0, 0, 0, TimeSpan.Zero);

    private static readonly Gen<AccountFacts> GenAccount = Gen.Select(
        Gen.OneOf("DE", "FR", "GB", "NO", "CH", "RE", "AX", "US", "GI", "JP", "BR", "IM"),
        Gen.OneOf(-1L, 0L, 1L, -TimeSpan.TicksPerDay * 400, TimeSpan.TicksPerDay * 400),
        Gen.OneOf<bool?>(null, true, false),
        Gen.Long[0, 9],
        (country, offset, setting, version) => new AccountFacts(CountryCode.Parse(country), Cutoff.AddTicks(offset), setting, setting is null ? 0 : version + 1));

    private static readonly Gen<AccountLookup> GenLookup = Gen.Frequency(
        (12, GenAccount.Select(AccountLookup.Found)),
        (1, Gen.Const(AccountLookup.NotFound)),
        (1, Gen.Const(AccountLookup.Unavailable)));

    private static readonly Gen<string?> GenPartner = Gen.OneOf<string?>(
        "google", "facebook", "adv-one", "adv-two", "measure-co", "ads-proc", "nobody");

    private static readonly Gen<Scenario> GenScenario = Gen.Select(
        GenPartner,
        Gen.Frequency((4, Gen.Const((string?)null)), (1, GenPartner)),
        Gen.Int[0, Policy.DataItems.Count - 1].Array[1, 10],
        Gen.OneOf<string?>(null, "DE", "GB", "US", "IS", "TR"),
        Gen.Frequency((3, GenLookup), (1, Gen.Const(AccountLookup.NotRequested))),
        Gen.Frequency((4, Gen.Const(LookupStatus.Found)), (1, Gen.Const(LookupStatus.NotFound)), (1, Gen.Const(LookupStatus.Unavailable)), (2, Gen.Const(LookupStatus.NotRequested))),
        GenLookup.Array[0, 4],
        (partner, via, data, country, user, device, linked) => new Scenario(partner, via, data, country, user, device, device == LookupStatus.Found ? linked : []));

    [Fact]
    public void Allowed_and_denied_partition_the_requested_items() =>
        GenScenario.Sample(s =>
        {
            var decision = s.Evaluate();
            var requested = s.Request().Data;
            return decision.Allowed.Union(decision.Denied) == requested && decision.Allowed.Intersect(decision.Denied).IsEmpty;
        }, iter: Iterations);

    [Fact]
    public void Never_shared_items_are_never_allowed() =>
        GenScenario.Sample(s => s.Evaluate().Allowed.Intersect(Policy.NeverShared).IsEmpty, iter: Iterations);

    [Fact]
    public void Order_and_duplication_of_requested_items_and_of_linked_accounts_do_not_change_the_answer() =>
        Gen.Select(GenScenario, Gen.Int, (s, seed) => (s, seed)).Sample(t =>
        {
            var (s, seed) = t;
            var random = new Random(seed);
            var shuffled = s with
            {
                Data = [.. s.Data.Concat(s.Data.Take(random.Next(s.Data.Length + 1))).OrderBy(_ => random.Next())],
                Linked = [.. s.Linked.OrderBy(_ => random.Next())],
            };
            return shuffled.Evaluate() == s.Evaluate();
        }, iter: Iterations);

    [Fact]
    public void Disabling_the_setting_of_any_account_never_widens_what_is_allowed() =>
        Gen.Select(GenScenario, Gen.Int[0, 4], (s, which) => (s, which)).Sample(t =>
        {
            var (s, which) = t;
            var disabled = which == 0 || s.Linked.Length == 0
                ? s with { User = Disable(s.User) }
                : s with { Linked = [.. s.Linked.Select((a, i) => i == which % s.Linked.Length ? Disable(a) : a)] };
            return disabled.Evaluate().Allowed.IsSubsetOf(s.Evaluate().Allowed);
        }, iter: Iterations);

    /// <summary>
    /// From one linked account on. Linking the first account turns a before-signup device into an
    /// account's device, which SPEC §2 lets widen (e.g. a US account under app-campaign-measurement).
    /// </summary>
    [Fact]
    public void Adding_a_linked_account_never_widens_what_is_allowed() =>
        Gen.Select(GenScenario, GenLookup, (s, extra) => (s, extra))
            .Where(t => t.s.Device == LookupStatus.Found && t.s.Linked.Length > 0)
            .Sample(t => (t.s with { Linked = [.. t.s.Linked, t.extra] }).Evaluate().Allowed.IsSubsetOf(t.s.Evaluate().Allowed), iter: Iterations);

    [Fact]
    public void A_store_that_cannot_be_read_never_widens_what_is_allowed() =>
        GenScenario.Sample(s =>
        {
            var unreadable = s with
            {
                User = s.User.Status == LookupStatus.NotRequested ? s.User : AccountLookup.Unavailable,
                Device = s.Device == LookupStatus.NotRequested ? s.Device : LookupStatus.Unavailable,
                Linked = [],
            };
            return unreadable.Evaluate().Allowed.IsSubsetOf(s.Evaluate().Allowed);
        }, iter: Iterations);

    [Fact]
    public void The_decision_outcome_agrees_with_the_item_sets() =>
        GenScenario.Sample(s =>
        {
            var d = s.Evaluate();
            return d.Outcome switch
            {
                DecisionOutcome.Allow => d.Denied.IsEmpty && !d.Allowed.IsEmpty,
                DecisionOutcome.Deny => d.Allowed.IsEmpty && !d.Denied.IsEmpty,
                _ => !d.Allowed.IsEmpty && !d.Denied.IsEmpty,
            };
        }, iter: Iterations);

    private static AccountLookup Disable(AccountLookup account) =>
        account.Status == LookupStatus.Found
            ? AccountLookup.Found(account.Facts with { Setting = false, SettingVersion = account.Facts.SettingVersion + 1 })
            : account;

    private sealed record Scenario(string? Partner, string? Via, int[] Data, string? Country, AccountLookup User, LookupStatus Device, AccountLookup[] Linked)
    {
        public DecisionRequest Request()
        {
            var data = DataSet.Empty;
            foreach (var item in Data)
            {
                data = data.Union(DataSet.Of(item));
            }

            return new DecisionRequest(Policy.ResolvePartner(Partner), Policy.ResolvePartner(Via), data, Country is null ? default : CountryCode.Parse(Country));
        }

        public Decision Evaluate() => PolicyEvaluator.Evaluate(Policy, Request(), new SubjectFacts(User, Device, Linked));
    }
}
