using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ConsentGateway.Core.Policy;
using ConsentGateway.Core.Projection;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ConsentGateway.EndToEnd.Tests.Policy;

/// <summary>
/// The self-host's hot switch under load: a new document written to <c>Consent:PolicyPath</c>
/// decides every evaluation within 5 s, no request fails meanwhile, and every decision applies
/// exactly the version it names; an invalid document is refused, the version in force serving on
/// and readiness degraded. The account decides differently under each version: German, signed up in
/// 2019 and enabled, it is cut off by the shipped 2020-04-06 cut-off and not by a 2018 one.
/// </summary>
public sealed class PolicySwitchTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan SwitchBound = TimeSpan.FromSeconds(5);

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("consent-policy-switch-");
    private string _policyPath = string.Empty;
    private GatewayServer _server = null!;

    public Task InitializeAsync()
    {
        _policyPath = Path.Combine(_folder.FullName, "policy.json");
        File.WriteAllText(_policyPath, Document("2020-04-06", "2020-04-06T00:00:00Z"));
        _server = new GatewayServer { PolicyPath = _policyPath };
        return _server.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _folder.Delete(recursive: true);
    }

    [Fact]
    public async Task A_new_document_decides_every_evaluation_within_5_s_under_load_with_no_failure_and_no_decision_mixing_versions()
    {
        var userId = await _server.CreateAccountAsync("DE", "2019-05-01T00:00:00Z", enabled: true);

        // The setting projected first (read from the store): the new version's answer then depends on the switch alone.
        var projections = _server.Services.GetRequiredService<IProjectionStore>();
        await PropagationTests.Eventually(TimeSpan.FromSeconds(30), async () => (await projections.GetAccountAsync(userId, CancellationToken.None))?.Value.Setting == true);
        var answers = new ConcurrentQueue<Answer>();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 4).Select(_ => EvaluateUntilAsync(userId, clock, answers, stop.Token)).ToList();

        await Task.Delay(TimeSpan.FromSeconds(1));
        var writtenAt = clock.Elapsed;
        WriteAtomically(Document("2026-12-01", "2018-01-01T00:00:00Z"));
        await Task.Delay(SwitchBound + TimeSpan.FromSeconds(1));
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.True(answers.Count >= 100, $"only {answers.Count} evaluations under load");
        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.Status));
        Assert.All(answers, answer => Assert.Equal(
            answer.PolicyVersion == "2020-04-06" ? ("deny", "EEA_UK_SIGNUP_BEFORE_CUTOFF") : ("allow", "SETTING_ENABLED"),
            (answer.Decision, answer.Reason)));
        Assert.Equal(["2020-04-06", "2026-12-01"], answers.Select(answer => answer.PolicyVersion).Distinct().Order(StringComparer.Ordinal));
        var lastOld = answers.Where(answer => answer.PolicyVersion == "2020-04-06").Max(answer => answer.StartedAt);
        var firstNew = answers.Where(answer => answer.PolicyVersion == "2026-12-01").Min(answer => answer.StartedAt);
        output.WriteLine($"{answers.Count} evaluations, 0 failed; the new version first decided {(firstNew - writtenAt).TotalMilliseconds:F0} ms after the write, the old one last {(lastOld - writtenAt).TotalMilliseconds:F0} ms after it.");
        Assert.True(lastOld - writtenAt < SwitchBound, $"the old version still decided {(lastOld - writtenAt).TotalSeconds:F1} s after the new document was written");
        Assert.Contains("2026-12-01", await ReadyAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_document_is_refused_the_version_in_force_serves_on_and_readiness_says_degraded_with_the_field()
    {
        var userId = await _server.CreateAccountAsync("DE", "2019-05-01T00:00:00Z", enabled: true);
        var invalid = JsonNode.Parse(Document("2026-12-01", "2018-01-01T00:00:00Z"))!;
        invalid["partners"]![0]!["partnership"] = "ads";
        WriteAtomically(invalid.ToJsonString());

        var ready = string.Empty;
        var clock = Stopwatch.StartNew();
        while (!ready.Contains("Degraded", StringComparison.Ordinal) && clock.Elapsed < SwitchBound + TimeSpan.FromSeconds(5))
        {
            await Task.Delay(200);
            ready = await ReadyAsync();
        }

        var answer = await EvaluateAsync(userId, clock);
        Assert.Contains("partners[0].partnership", ready, StringComparison.Ordinal);
        Assert.Contains("Policy 2020-04-06 is in force", ready, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, "2020-04-06", "deny"), (answer.Status, answer.PolicyVersion, answer.Decision));

        // Putting the document in force back clears the refusal.
        WriteAtomically(Document("2020-04-06", "2020-04-06T00:00:00Z"));
        clock.Restart();
        while (ready.Contains("Degraded", StringComparison.Ordinal) && clock.Elapsed < SwitchBound + TimeSpan.FromSeconds(5))
        {
            await Task.Delay(200);
            ready = await ReadyAsync();
        }

        Assert.DoesNotContain("Degraded", ready, StringComparison.Ordinal);
    }

    // As an operator should publish it: a whole file renamed into place, never a half-written one.
    private void WriteAtomically(string json)
    {
        var next = _policyPath + ".next";
        File.WriteAllText(next, json);
        File.Move(next, _policyPath, overwrite: true);
    }

    private async Task EvaluateUntilAsync(string userId, Stopwatch clock, ConcurrentQueue<Answer> answers, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            answers.Enqueue(await EvaluateAsync(userId, clock));
        }
    }

    private async Task<Answer> EvaluateAsync(string userId, Stopwatch clock)
    {
        var startedAt = clock.Elapsed;
        using var proxy = _server.Proxy();
        using var response = await proxy.PostAsync("/api/v1/evaluate", GatewayServer.Json($$"""{"partner":"google","subject":{"userId":"{{userId}}"},"data":["ip_address"]}"""));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return new Answer(startedAt, response.StatusCode, null, null, null);
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        var reason = root.GetProperty("decision").GetString() == "allow" ? root.GetProperty("reasons")[0].GetString() : root.GetProperty("denied")[0].GetProperty("reason").GetString();
        return new Answer(startedAt, response.StatusCode, root.GetProperty("policyVersion").GetString(), root.GetProperty("decision").GetString(), reason);
    }

    private async Task<string> ReadyAsync()
    {
        using var client = _server.Client(null);
        using var response = await client.GetAsync("/health/ready");
        return await response.Content.ReadAsStringAsync();
    }

    private static string Document(string version, string cutoff)
    {
        var document = JsonNode.Parse(PolicyLoader.Serialize(PolicyLoader.ReadDefaultDocument()))!;
        document["policyVersion"] = version;
        document["partnerships"]![0]!["signupCutoff"]!["before"] = cutoff;
        return document.ToJsonString();
    }

    private sealed record Answer(TimeSpan StartedAt, HttpStatusCode Status, string? PolicyVersion, string? Decision, string? Reason);
}
