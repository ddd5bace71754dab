using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ConsentGateway.Core.Policy;
using ConsentGateway.EndToEnd.Tests.EmbeddedStore;
using ConsentGateway.Testing;

namespace ConsentGateway.EndToEnd.Tests.Policy;

/// <summary>
/// <c>dotnet ConsentGateway.Server.dll policy validate|diff FILE</c>, typed as a person would,
/// against the SQLite store of a gateway that goes on serving: the flips of a candidate that
/// moves the cut-off a year and a half earlier and adds a partner, worked out by hand.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class PolicyCommandTests : IAsyncLifetime
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("consent-policy-");
    private readonly GatewayServer _server;

    public PolicyCommandTests() => _server = new GatewayServer { SqlitePath = Path.Combine(_folder.FullName, "consent.db") };

    public Task InitializeAsync() => _server.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _folder.Delete(recursive: true);
    }

    [Fact]
    public async Task The_shipped_policy_is_valid()
    {
        var run = await ServerProgram.RunAsync(["policy", "validate", DefaultPolicyPath]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Valid: policy 2020-04-06, 2 partnership(s), 2 partner(s)", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_policy_is_refused_with_the_start_up_messages_and_exit_code_1()
    {
        var document = JsonNode.Parse(File.ReadAllText(DefaultPolicyPath))!;
        document["partners"]![0]!["partnership"] = "ads";
        document["partners"]![1]!.AsObject().Remove("displayName");
        var file = Write("invalid.json", document);

        var run = await ServerProgram.RunAsync(["policy", "validate", file]);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("partners[0].partnership: 'ads' names no partnership of this document", run.Output, StringComparison.Ordinal);
        Assert.Contains("partners[1].displayName.en: is required", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("policy")]
    [InlineData("policy check x.json")]
    [InlineData("policy diff")]
    public async Task A_command_it_does_not_know_prints_the_usage_and_exits_2(string line)
    {
        var run = await ServerProgram.RunAsync(line.Split(' '));

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("Usage: policy validate FILE", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_diff_counts_every_flip_of_the_population_while_the_gateway_serves_and_shows_no_raw_id()
    {
        // By hand (docs/policy.md): "between" (DE, 2019, enabled) is cut off today and not under the candidate;
        // "late" (DE, 2021, enabled) and "american" (US, default enabled) already share with google and facebook;
        // the new partner is unknown today (UNKNOWN_PARTNER) and then decided by the setting for all three.
        var between = await _server.CreateAccountAsync("DE", "2019-05-01T00:00:00Z", enabled: true);
        var late = await _server.CreateAccountAsync("DE", "2021-03-01T00:00:00Z", enabled: true);
        var american = await _server.CreateAccountAsync("US", "2021-03-01T00:00:00Z");
        var phone = await _server.RegisterDeviceAsync(between);
        await PropagationTests.Eventually(TimeSpan.FromSeconds(30), async () =>
            await _server.CheckGoogleIpAsync(late) == HttpStatusCode.OK && await _server.CheckGoogleIpAsync(american) == HttpStatusCode.OK);
        var candidate = Write("candidate.json", Candidate());

        var snapshotsBefore = Directory.GetFileSystemEntries(Path.GetTempPath(), "consent-policy-diff-*");
        var table = await ServerProgram.RunAsync(["policy", "diff", candidate, "--Consent:Storage:SqlitePath", _server.SqlitePath]);
        var json = await ServerProgram.RunAsync(["policy", "diff", candidate, "--json", "--Consent:Storage:SqlitePath", _server.SqlitePath]);

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.True(json.ExitCode == 0, json.ToString());
        // The store's copy (personal data) and the files SQLite left beside it are gone.
        Assert.Equal(snapshotsBefore, Directory.GetFileSystemEntries(Path.GetTempPath(), "consent-policy-diff-*"));
        Assert.Contains("Policy 2020-04-06 -> candidate: 3 accounts and 1 devices evaluated; 16 answers would change.", table.Output, StringComparison.Ordinal);
        Assert.Matches(@"change\s+subject\s+partnership\s+partner\s+data item\s+region\s+from\s+to\s+count\s+examples", table.Output);
        using var report = JsonDocument.Parse(json.Output);
        var rows = report.RootElement.GetProperty("rows").EnumerateArray()
            .ToDictionary(row => string.Join('|', row.GetProperty("subject").GetString(), row.GetProperty("partner").GetString(), row.GetProperty("dataItem").GetString(), row.GetProperty("region").GetString(), row.GetProperty("fromReason").GetString()), row => (row.GetProperty("change").GetString(), row.GetProperty("count").GetInt64()));
        Assert.Equal(
            new Dictionary<string, (string?, long)>
            {
                ["account|google|ip_address|EEA_UK|EEA_UK_SIGNUP_BEFORE_CUTOFF"] = ("deny->allow", 1),
                ["account|google|mobile_ad_id|EEA_UK|EEA_UK_SIGNUP_BEFORE_CUTOFF"] = ("deny->allow", 1),
                ["account|facebook|ip_address|EEA_UK|EEA_UK_SIGNUP_BEFORE_CUTOFF"] = ("deny->allow", 1),
                ["account|facebook|mobile_ad_id|EEA_UK|EEA_UK_SIGNUP_BEFORE_CUTOFF"] = ("deny->allow", 1),
                ["account|tiktok|ip_address|EEA_UK|UNKNOWN_PARTNER"] = ("deny->allow", 2),
                ["account|tiktok|mobile_ad_id|EEA_UK|UNKNOWN_PARTNER"] = ("deny->allow", 2),
                ["account|tiktok|ip_address|elsewhere|UNKNOWN_PARTNER"] = ("deny->allow", 1),
                ["account|tiktok|mobile_ad_id|elsewhere|UNKNOWN_PARTNER"] = ("deny->allow", 1),
                ["device|google|ip_address|EEA_UK|EEA_UK_SIGNUP_BEFORE_CUTOFF"] = ("deny->allow", 1),
                ["device|google|mobile_ad_id|EEA_UK|EEA_UK_SIGNUP_BEFORE_CUTOFF"] = ("deny->allow", 1),
                ["device|facebook|ip_address|EEA_UK|EEA_UK_SIGNUP_BEFORE_CUTOFF"] = ("deny->allow", 1),
                ["device|facebook|mobile_ad_id|EEA_UK|EEA_UK_SIGNUP_BEFORE_CUTOFF"] = ("deny->allow", 1),
                ["device|tiktok|ip_address|EEA_UK|UNKNOWN_PARTNER"] = ("deny->allow", 1),
                ["device|tiktok|mobile_ad_id|EEA_UK|UNKNOWN_PARTNER"] = ("deny->allow", 1),
            },
            rows);
        Assert.Equal(16, report.RootElement.GetProperty("changedAnswers").GetInt64());
        foreach (var id in (string[])[between, late, american, phone])
        {
            Assert.DoesNotContain(id, table.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(id, json.Output, StringComparison.Ordinal);
        }

        // The gateway served throughout (the diff read a backup of its file, not the file under its lock).
        Assert.Equal(HttpStatusCode.OK, await _server.CheckGoogleIpAsync(late));
    }

    private static string DefaultPolicyPath => Path.Combine(Repository.Root, "src", "ConsentGateway.Core", "Policy", "default-policy.json");

    private static JsonNode Candidate()
    {
        var document = JsonNode.Parse(PolicyLoader.Serialize(PolicyLoader.ReadDefaultDocument()))!;
        document["policyVersion"] = "candidate";
        document["partnerships"]![0]!["signupCutoff"]!["before"] = "2018-01-01T00:00:00Z";
        document["partners"]!.AsArray().Add(new JsonObject
        {
            ["id"] = "tiktok",
            ["partnership"] = "ad-platforms",
            ["role"] = "controller",
            ["displayName"] = new JsonObject { ["en"] = "TikTok" },
        });
        return document;
    }

    private string Write(string name, JsonNode document)
    {
        var path = Path.Combine(_folder.FullName, name);
        File.WriteAllText(path, document.ToJsonString());
        return path;
    }
}
