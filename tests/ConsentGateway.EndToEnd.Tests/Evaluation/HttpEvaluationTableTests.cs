using ConsentGateway.Testing;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ConsentGateway.EndToEnd.Tests.Evaluation;

/// <summary>
/// The Core evaluation table, through HTTP on the self-host: each case's accounts, settings,
/// devices and links are made through the API, and the decision is asked of /evaluate,
/// /evaluate/batch and /check. Expectations are the table's; propagation is asynchronous, so each
/// case is polled until it agrees or <see cref="EvaluationTableServer.Deadline"/> passes.
/// The table's store-unavailable cases (those with <c>unavailable</c> ids) cannot be produced
/// through the API and are left to the Core table.
/// </summary>
public class HttpEvaluationTableTests(EvaluationTableServer fixture) : IClassFixture<EvaluationTableServer>
{
    private const int BatchSize = 80;

    public static TheoryData<string> CaseNames() => [.. EvaluationCaseTable.Instance.HttpCases.Select(c => c.Name)];

    [Fact]
    public async Task At_least_60_cases_run_through_http_and_only_those_needing_a_store_state_the_api_cannot_make_are_left_out()
    {
        var table = EvaluationCaseTable.Instance;
        var left = table.Cases.Except(table.HttpCases).ToList();
        Assert.All(left, c => Assert.True(c.NeedsTheStore));
        Assert.Equal(table.Cases.Count, table.HttpCases.Count + left.Count);

        var runs = await fixture.Runs;
        Assert.True(runs.Count >= 60, $"only {runs.Count} cases ran");
        Assert.Equal(table.HttpCases.Select(c => c.Name), runs.Select(r => r.Case.Name));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task The_case_agrees_through_evaluate(string name)
    {
        var run = (await fixture.Runs).Single(r => r.Case.Name == name);

        Assert.True(
            run.Disagreement is null,
            $"Case '{name}' through POST /api/v1/evaluate {run.Body().ToJsonString()}: {run.Disagreement}");
    }

    [Fact]
    public async Task The_table_agrees_through_the_batch_endpoint_in_order_with_the_callers_ids()
    {
        var runs = await fixture.Runs;
        var chunks = runs.Chunk(BatchSize).ToList();
        Assert.True(chunks.Count > 1, "the table fits in one batch; make the batches smaller");
        using var proxy = fixture.Server.Proxy();

        IReadOnlyDictionary<CaseRun, string?> differences = new Dictionary<CaseRun, string?>();
        var deadline = Stopwatch.StartNew();
        do
        {
            var answers = await Task.WhenAll(chunks.Select(chunk => BatchAsync(proxy, chunk)));
            differences = answers.SelectMany(a => a).ToDictionary(a => a.Key, a => a.Value);
            if (differences.Values.All(d => d is null))
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
        while (deadline.Elapsed < EvaluationTableServer.Deadline);

        var failures = runs.Where(r => differences[r] is not null).Select(r => $"Case '{r.Case.Name}': {differences[r]}").ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of {runs.Count} cases disagree through POST /api/v1/evaluate/batch:\n" + string.Join("\n", failures));
    }

    [Fact]
    public async Task The_table_agrees_through_check_status_and_headers()
    {
        var runs = await fixture.Runs;
        using var proxy = fixture.Server.Proxy();

        var answers = await EvaluationTableServer.PollAsync(runs, run => CheckAsync(proxy, run), CheckDisagreement);

        var failures = runs
            .Select(r => (Run: r, Difference: CheckDisagreement(r, answers[r])))
            .Where(r => r.Difference is not null)
            .Select(r => $"Case '{r.Run.Case.Name}' ({Headers(r.Run)}): {r.Difference}")
            .ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of {runs.Count} cases disagree through GET /api/v1/check:\n" + string.Join("\n", failures));
    }

    // Every seventh request goes without a caller id; its result must then carry none.
    private static string? CallerId(CaseRun run) => run.Index % 7 == 3 ? null : $"case-{run.Index}:{run.Case.Name.Length}";

    private async Task<IEnumerable<KeyValuePair<CaseRun, string?>>> BatchAsync(HttpClient proxy, CaseRun[] chunk)
    {
        var requests = new JsonArray();
        foreach (var run in chunk)
        {
            var item = run.Body();
            if (CallerId(run) is { } id)
            {
                item["id"] = id;
            }

            requests.Add(item);
        }

        using var content = EvaluationApi.Content(new JsonObject { ["requests"] = requests });
        using var response = await proxy.PostAsync(new Uri(EvaluationApi.Batch, UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return chunk.Select(run => KeyValuePair.Create(run, (string?)$"the batch answered {(int)response.StatusCode}: {text}"));
        }

        List<JsonElement> results;
        try
        {
            using var document = JsonDocument.Parse(text);
            results = [.. document.RootElement.GetProperty("results").EnumerateArray().Select(e => e.Clone())];
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return chunk.Select(run => KeyValuePair.Create(run, (string?)$"the batch answered no results array ({ex.Message}): {text}"));
        }

        if (results.Count != chunk.Length)
        {
            return chunk.Select(run => KeyValuePair.Create(run, (string?)$"the batch of {chunk.Length} answered {results.Count} results"));
        }

        return chunk.Select((run, i) =>
        {
            var result = results[i];
            var id = result.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null;
            var expectedId = CallerId(run);
            if (id != expectedId)
            {
                return KeyValuePair.Create(run, (string?)$"result {i} has id {id ?? "(none)"}, expected {expectedId ?? "(none)"} (order or ids not kept): {result}");
            }

            var answer = result.Deserialize<EvaluationAnswer>(EvaluationApi.Json)!;
            var difference = fixture.Disagreement(run, new Reply<EvaluationAnswer>(answer, null));
            return KeyValuePair.Create(run, difference is null ? null : $"{difference} (result {i}: {result})");
        });
    }

    // Every other case writes the data list with spaces around the commas, which the contract allows.
    private static (string Name, string? Value)[] CheckHeaders(CaseRun run)
    {
        var request = run.Case.Request;
        return
        [
            ("X-Consent-Partner", request.Partner),
            ("X-Consent-Via", request.Via),
            ("X-Consent-User", run.MaybeId(request.UserId)),
            ("X-Consent-Device", run.MaybeId(request.DeviceAdId)),
            ("X-Consent-Data", string.Join(run.Index % 2 == 0 ? "," : " , ", request.Data)),
            ("X-Consent-Country", request.Country),
        ];
    }

    private static string Headers(CaseRun run) =>
        string.Join(" ", CheckHeaders(run).Where(h => h.Value is not null).Select(h => $"{h.Name}: {h.Value}"));

    private static async Task<CheckAnswer> CheckAsync(HttpClient proxy, CaseRun run)
    {
        using var message = EvaluationApi.CheckRequest(HttpMethod.Get, EvaluationApi.Check, CheckHeaders(run));
        using var response = await proxy.SendAsync(message);
        return await CheckAnswer.ReadAsync(response);
    }

    private string? CheckDisagreement(CaseRun run, CheckAnswer answer)
    {
        var expect = run.Case.Expect;
        var status = expect.Decision == "allow" ? HttpStatusCode.OK : HttpStatusCode.Forbidden;
        if (answer.Status is not (HttpStatusCode.OK or HttpStatusCode.Forbidden))
        {
            return $"status: expected {(int)status}, got {(int)answer.Status} {answer.Body}";
        }

        var differences = new List<string>();
        if (answer.Status != status)
        {
            differences.Add($"status: expected {(int)status}, got {(int)answer.Status}");
        }

        if (answer.Decision != expect.Decision)
        {
            differences.Add($"X-Consent-Decision: expected {expect.Decision}, got {answer.Decision ?? "(none)"}");
        }

        if (EvaluationTableServer.Set(answer.Reasons) != EvaluationTableServer.Set(expect.Reasons))
        {
            differences.Add($"X-Consent-Reason: expected {EvaluationTableServer.Set(expect.Reasons)}, got {EvaluationTableServer.Set(answer.Reasons)}");
        }

        if (EvaluationTableServer.Set(answer.AllowedData) != EvaluationTableServer.Set(expect.Allowed))
        {
            differences.Add($"X-Consent-Allowed-Data: expected {EvaluationTableServer.Set(expect.Allowed)}, got {EvaluationTableServer.Set(answer.AllowedData)}");
        }

        if (answer.PolicyVersion != fixture.PolicyVersion)
        {
            differences.Add($"X-Consent-Policy-Version: expected {fixture.PolicyVersion}, got {answer.PolicyVersion ?? "(none)"}");
        }

        if (string.IsNullOrWhiteSpace(answer.DecisionId))
        {
            differences.Add("X-Consent-Decision-Id: missing");
        }

        var maxTtl = EvaluationTableServer.MaxTtl(fixture.Server);
        if (answer.CacheControl is not { Private: true, MaxAge: { } maxAge } || maxAge > maxTtl)
        {
            differences.Add($"Cache-Control: expected private, max-age <= {maxTtl.TotalSeconds.ToString(CultureInfo.InvariantCulture)}, got {answer.CacheControl?.ToString() ?? "(none)"}");
        }

        if (answer.Body.Length != 0)
        {
            differences.Add($"body: expected empty, got {answer.Body}");
        }

        return differences.Count == 0 ? null : string.Join("; ", differences);
    }
}
