using System.Net.Http.Json;
using ConsentGateway.Contracts;
using ConsentGateway.EndToEnd.Tests.Evaluation;

namespace ConsentGateway.EndToEnd.Tests.Effects;

/// <summary>
/// The effects answer and the proxies' decisions cannot disagree: for every account of every case
/// of tests/cases/evaluation-cases.json (set up through the API as the case says), each
/// partnership's <c>sharing</c> and <c>reason</c> are what <c>POST /api/v1/evaluate</c> answers for
/// that account, the partnership's data and each of its controllers and advertisers. (A processor
/// is not governed by the setting: it answers <c>PROCESSOR_FOR_COMPANY</c>, which the effects' partner list shows by its role.)
/// </summary>
public class EffectsAgreeWithEvaluationTests(EvaluationTableServer fixture) : IClassFixture<EvaluationTableServer>
{
    [Fact]
    public async Task Every_account_of_the_evaluation_table_has_the_effects_that_evaluate_answers()
    {
        var runs = await fixture.Runs;
        var accounts = runs.SelectMany(run => (run.Case.Accounts ?? new Dictionary<string, Testing.CaseAccount>()).Keys.Select(id => (Run: run, UserId: run.Id(id)))).ToList();
        Assert.True(accounts.Count >= 100, $"only {accounts.Count} accounts in the table");

        using var service = fixture.Server.AccountService();
        using var proxy = fixture.Server.Proxy();
        var checks = accounts.Select(a => new AccountCheck(a.Run, a.UserId)).ToList();

        var disagreements = new List<string>();
        await Parallel.ForEachAsync(checks, new ParallelOptions { MaxDegreeOfParallelism = EvaluationTableServer.Parallelism }, async (check, _) =>
        {
            if (await DisagreementAsync(service, proxy, check) is { } disagreement)
            {
                lock (disagreements)
                {
                    disagreements.Add(disagreement);
                }
            }
        });

        Assert.True(disagreements.Count == 0, $"{disagreements.Count} of {checks.Count} accounts disagree:\n" + string.Join('\n', disagreements.Take(20)));
    }

    // Propagation is asynchronous: an account is asked again until both answers agree or the deadline passes.
    private static async Task<string?> DisagreementAsync(HttpClient service, HttpClient proxy, AccountCheck check)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var disagreement = await CompareAsync(service, proxy, check);
            if (disagreement is null || clock.Elapsed > EvaluationTableServer.Deadline)
            {
                return disagreement;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    private static async Task<string?> CompareAsync(HttpClient service, HttpClient proxy, AccountCheck check)
    {
        var effects = (await service.GetFromJsonAsync<EffectsResponse>($"/api/v1/accounts/{check.UserId}/partner-sharing/effects"))!;
        if (!effects.Setting.InEffect)
        {
            return $"case '{check.Run.Case.Name}', account {check.UserId}: the setting is not in effect";
        }

        var compared = 0;
        foreach (var partnership in effects.Partnerships)
        {
            foreach (var partner in partnership.Partners.Where(p => p.Role != "processor"))
            {
                var body = EvaluationApi.Body(partner.Id, null, check.UserId, null, partnership.Data.Select(d => d.Id), null);
                var reply = await EvaluationApi.EvaluateAsync(proxy, body);
                if (reply.Value is not { } answer)
                {
                    return reply.Error;
                }

                var sharing = answer.Decision == "allow" ? EffectValues.Allowed : EffectValues.NotAllowed;
                if (sharing != partnership.Sharing || answer.Reasons is not [var reason] || reason != partnership.Reason)
                {
                    return $"case '{check.Run.Case.Name}', account {check.UserId}, {partnership.Id} via {partner.Id}: effects say {partnership.Sharing} {partnership.Reason}, evaluate answered {answer.Decision} [{string.Join(",", answer.Reasons ?? [])}]";
                }

                compared++;
            }
        }

        return compared == 0 ? $"case '{check.Run.Case.Name}': no partner to compare" : null;
    }

    private sealed record AccountCheck(CaseRun Run, string UserId);
}
