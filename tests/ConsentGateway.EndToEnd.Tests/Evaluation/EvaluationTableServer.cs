using ConsentGateway.Testing;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using ConsentGateway.Core.Policy;
using static ConsentGateway.EndToEnd.Tests.GatewayServer;

namespace ConsentGateway.EndToEnd.Tests.Evaluation;

/// <summary>
/// A self-hosted gateway running the shipped policy plus the table's extra partners, with every
/// case of the table the API can produce set up through the API under ids of its own. The table is
/// evaluated once (on first use), polled until each case agrees or <see cref="Deadline"/> passes,
/// and what each case last answered is kept for the tests to assert on.
/// </summary>
public sealed class EvaluationTableServer : IAsyncLifetime
{
    /// <summary>How long a case may take to agree once everything is set up: far beyond the 5 s bound.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>Requests in flight at once while setting up and evaluating.</summary>
    public const int Parallelism = 16;

    private readonly string _policyPath = Path.Combine(Path.GetTempPath(), $"consent-policy-{Guid.NewGuid():N}.json");
    private readonly Lazy<Task<IReadOnlyList<CaseRun>>> _run;

    public EvaluationTableServer()
    {
        _run = new(RunAsync);
    }

    public static EvaluationCaseTable Table => EvaluationCaseTable.Instance;

    public PolicyDocument Policy { get; } = Table.PolicyDocument();

    public string PolicyVersion => Policy.PolicyVersion!;

    /// <summary>
    /// The policy's canonical data order (docs/policy.md, "The result"): items in the order they
    /// first appear in <c>partnerships[].data</c>, then <c>neverShared</c>. <c>allowed</c> and
    /// <c>denied</c> come in this order whatever the order of the request.
    /// </summary>
    public IReadOnlyList<string> CanonicalData => [.. Policy.Partnerships!.SelectMany(p => p.Data!).Concat(Policy.NeverShared!).Distinct()];

    /// <summary>
    /// How long an answer may be cached (<c>ttlSeconds</c>, <c>max-age</c>): at most the gateway's
    /// cache TTL, by default a quarter of the staleness bound, so that gateway and proxy caches
    /// together stay within it (evaluation contract, "Freshness").
    /// </summary>
    public static TimeSpan MaxTtl(GatewayServer server) => (server ?? throw new ArgumentNullException(nameof(server))).StalenessBound / 4;

    public GatewayServer Server { get; private set; } = null!;

    /// <summary>Every case the API can produce, set up and evaluated until it agreed or the deadline passed.</summary>
    public Task<IReadOnlyList<CaseRun>> Runs => _run.Value;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_policyPath, PolicyLoader.Serialize(Policy));
        Server = new GatewayServer { PolicyPath = _policyPath };
        await Server.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        File.Delete(_policyPath);
    }

    /// <summary>
    /// Asks <paramref name="evaluate"/> about every run again and again until <paramref name="agrees"/>
    /// holds for each (or the deadline passes); returns the last answer of every run.
    /// </summary>
    public static async Task<IReadOnlyDictionary<CaseRun, T>> PollAsync<T>(
        IReadOnlyList<CaseRun> runs, Func<CaseRun, Task<T>> evaluate, Func<CaseRun, T, string?> disagreement)
        where T : class
    {
        var last = new Dictionary<CaseRun, T>();
        var pending = runs.ToList();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var answers = new T[pending.Count];
            await Parallel.ForEachAsync(
                Enumerable.Range(0, pending.Count),
                new ParallelOptions { MaxDegreeOfParallelism = Parallelism },
                async (i, _) => answers[i] = await evaluate(pending[i]));
            var stillPending = new List<CaseRun>();
            for (var i = 0; i < pending.Count; i++)
            {
                last[pending[i]] = answers[i];
                if (disagreement(pending[i], answers[i]) is not null)
                {
                    stillPending.Add(pending[i]);
                }
            }

            pending = stillPending;
            if (pending.Count == 0 || clock.Elapsed > Deadline)
            {
                return last;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    private async Task<IReadOnlyList<CaseRun>> RunAsync()
    {
        var runs = Table.HttpCases.Select((testCase, index) => new CaseRun(testCase, index)).ToList();
        await Parallel.ForEachAsync(runs, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (run, _) => await SetUpAsync(run));

        using var proxy = Server.Proxy();
        var answers = await PollAsync(
            runs,
            run => EvaluationApi.EvaluateAsync(proxy, run.Body()),
            (run, answer) => Disagreement(run, answer));
        foreach (var run in runs)
        {
            run.Answer = answers[run];
            run.Disagreement = Disagreement(run, run.Answer);
        }

        return runs;
    }

    /// <summary>
    /// The case's accounts (with the setting changed once when the case gives one: version 1, as
    /// the table assumes), its devices and links, and the accounts its devices are linked to that
    /// the case does not have: created, linked, then deleted.
    /// </summary>
    private async Task SetUpAsync(CaseRun run)
    {
        var testCase = run.Case;
        using var service = Server.AccountService();
        foreach (var (id, account) in testCase.Accounts ?? new Dictionary<string, CaseAccount>())
        {
            await ExpectAsync(run, HttpStatusCode.Created, service.PutAsync(
                new Uri($"/api/v1/accounts/{run.Id(id)}", UriKind.Relative),
                Json(new JsonObject { ["country"] = account.Country, ["signedUpAt"] = account.SignedUpAt }.ToJsonString())));
            if (account.Setting is { } enabled)
            {
                using var user = Server.User(run.Id(id));
                var changed = await ExpectAsync(run, HttpStatusCode.OK, user.PutAsync(
                    new Uri($"/api/v1/accounts/{run.Id(id)}/partner-sharing", UriKind.Relative),
                    Json(enabled ? """{"enabled":true}""" : """{"enabled":false}""")));
                if (!changed.Contains("\"version\":1", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"Case '{testCase.Name}': the first change of {id} is not version 1: {changed}");
                }
            }
        }

        foreach (var deleted in testCase.DeletedAccounts)
        {
            await ExpectAsync(run, HttpStatusCode.Created, service.PutAsync(
                new Uri($"/api/v1/accounts/{run.Id(deleted)}", UriKind.Relative),
                Json("""{"country":"DE","signedUpAt":"2022-06-15T12:00:00Z"}""")));
        }

        foreach (var (device, users) in testCase.Devices ?? new Dictionary<string, IReadOnlyList<string>>())
        {
            await ExpectAsync(run, HttpStatusCode.Created, service.PutAsync(new Uri($"/api/v1/devices/{run.Id(device)}", UriKind.Relative), null));
            foreach (var user in users)
            {
                await ExpectAsync(run, HttpStatusCode.Created, service.PutAsync(new Uri($"/api/v1/devices/{run.Id(device)}/accounts/{run.Id(user)}", UriKind.Relative), null));
            }
        }

        foreach (var deleted in testCase.DeletedAccounts)
        {
            await ExpectAsync(run, HttpStatusCode.NoContent, service.DeleteAsync(new Uri($"/api/v1/accounts/{run.Id(deleted)}", UriKind.Relative)));
        }
    }

    private static async Task<string> ExpectAsync(CaseRun run, HttpStatusCode expected, Task<HttpResponseMessage> call)
    {
        using var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException(
                $"Case '{run.Case.Name}': setting up through the API, {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, expected {(int)expected}: {body}");
        }

        return body;
    }

    /// <summary>How the answer differs from the table (and from the contract's shape), or null when it agrees.</summary>
    public string? Disagreement(CaseRun run, Reply<EvaluationAnswer> reply)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(reply);
        if (reply.Value is not { } answer)
        {
            return reply.Error;
        }

        var expect = run.Case.Expect;
        var differences = new List<string>();
        void Compare(string what, string expected, string actual)
        {
            if (expected != actual)
            {
                differences.Add($"{what}: expected {expected}, got {actual}");
            }
        }

        Compare("decision", expect.Decision, answer.Decision ?? "(none)");
        Compare("allowed", Canonical(expect.Allowed), "[" + string.Join(",", answer.Allowed ?? []) + "]");
        Compare(
            "denied",
            Canonical(expect.Denied.Keys, item => $"{item}:{expect.Denied[item]}"),
            "[" + string.Join(",", (answer.Denied ?? []).Select(d => $"{d.Data}:{d.Reason}")) + "]");
        Compare("reasons", Set(expect.Reasons), Set(answer.Reasons ?? []));
        Compare("partnership", expect.Partnership ?? "null", answer.Partnership ?? "null");
        Compare("consentVersion", expect.ConsentVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null", answer.ConsentVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null");
        Compare("policyVersion", PolicyVersion, answer.PolicyVersion ?? "(none)");
        if (string.IsNullOrWhiteSpace(answer.DecisionId))
        {
            differences.Add("decisionId: missing");
        }

        if (answer.TtlSeconds is not { } ttl || ttl < 0 || ttl > MaxTtl(Server).TotalSeconds)
        {
            differences.Add($"ttlSeconds: expected 0..{MaxTtl(Server).TotalSeconds}, got {answer.TtlSeconds?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"}");
        }

        return differences.Count == 0 ? null : string.Join("; ", differences);
    }

    /// <summary>The expected items in the canonical data order, as the answer must list them.</summary>
    private string Canonical(IEnumerable<string> items, Func<string, string>? show = null)
    {
        var order = CanonicalData.Select((item, index) => (item, index)).ToDictionary(p => p.item, p => p.index);
        return "[" + string.Join(",", items.OrderBy(item => order.GetValueOrDefault(item, int.MaxValue)).Select(show ?? (item => item))) + "]";
    }

    /// <summary>Items in a stable order, duplicates kept (an item answered twice is a difference too).</summary>
    public static string Set(IEnumerable<string> items) => "[" + string.Join(",", items.Order(StringComparer.Ordinal)) + "]";
}

/// <summary>One case of the table on the server: its ids there, what it last answered.</summary>
public sealed class CaseRun(EvaluationCase testCase, int index)
{
    private readonly string _prefix = $"c{index:D3}-{Guid.NewGuid().ToString("N")[..8]}-";

    public EvaluationCase Case { get; } = testCase;

    public int Index { get; } = index;

    public Reply<EvaluationAnswer>? Answer { get; set; }

    public string? Disagreement { get; set; }

    /// <summary>The server-side id of the case's user or device id <paramref name="id"/>: unique per case.</summary>
    public string Id(string id) => _prefix + id;

    public string? MaybeId(string? id) => id is null ? null : Id(id);

    public JsonObject Body()
    {
        var request = Case.Request;
        return EvaluationApi.Body(request.Partner, request.Via, MaybeId(request.UserId), MaybeId(request.DeviceAdId), request.Data, request.Country);
    }

    public override string ToString() => Case.Name;
}
