using System.Text.Json.Nodes;

namespace ConsentGateway.Functions.Tests;

/// <summary>
/// The Functions host cannot run here (no Core Tools), so the contract with it — the generated
/// functions.metadata and host.json — is checked as built.
/// </summary>
public class FunctionsMetadataTests
{
    private static readonly JsonArray Metadata = (JsonArray)JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")))!;

    // Written from SPEC §4, not from the code: name, method, route (below the "api" prefix).
    public static TheoryData<string, string, string> HttpFunctions() => new()
    {
        { "PutAccount", "put", "v1/accounts/{userId}" },
        { "DeleteAccount", "delete", "v1/accounts/{userId}" },
        { "GetPartnerSharing", "get", "v1/accounts/{userId}/partner-sharing" },
        { "PutPartnerSharing", "put", "v1/accounts/{userId}/partner-sharing" },
        { "GetPartnerSharingHistory", "get", "v1/accounts/{userId}/partner-sharing/history" },
        { "GetPartnerSharingEffects", "get", "v1/accounts/{userId}/partner-sharing/effects" },
        { "ExportAccount", "get", "v1/accounts/{userId}/export" },
        { "PutDevice", "put", "v1/devices/{adId}" },
        { "PutDeviceLink", "put", "v1/devices/{adId}/accounts/{userId}" },
        { "Evaluate", "post", "v1/evaluate" },
        { "EvaluateBatch", "post", "v1/evaluate/batch" },
        { "GetPolicy", "get", "v1/policy" },
        { "Check", "get,head,post,put,patch,delete,options", "v1/check/{*rest}" },
        { "HealthLive", "get", "health/live" },
        { "HealthReady", "get", "health/ready" },
    };

    [Theory]
    [MemberData(nameof(HttpFunctions))]
    public void Each_http_function_is_declared_with_its_route_method_and_auth_level(string name, string methods, string route)
    {
        var function = Assert.Single(Metadata, f => (string?)f!["name"] == name)!;
        Assert.Equal("dotnet-isolated", (string?)function["language"]);
        var trigger = Assert.Single(function["bindings"]!.AsArray(), b => (string?)b!["type"] == "httpTrigger")!;

        Assert.Equal("In", (string?)trigger["direction"]);
        Assert.Equal(route, (string?)trigger["route"]);
        Assert.Equal(methods.Split(','), trigger["methods"]!.AsArray().Select(m => (string?)m));

        // Anonymous at the host: every call is authenticated in the app (a bearer JWT, or a proxy's X-Consent-Key).
        Assert.Equal("Anonymous", (string?)trigger["authLevel"]);
        Assert.Contains(function["bindings"]!.AsArray(), b => (string?)b!["type"] == "http" && (string?)b["direction"] == "Out");
    }

    [Fact]
    public void No_http_function_is_declared_that_the_api_does_not_have()
    {
        var declared = Metadata
            .Where(f => f!["bindings"]!.AsArray().Any(b => (string?)b!["type"] == "httpTrigger"))
            .Select(f => (string)f!["name"]!)
            .Order();
        Assert.Equal(HttpFunctions().Select(row => (string)row[0]).Order(), declared);
    }

    [Fact]
    public void Host_json_puts_the_routes_under_api()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "host.json")))!;
        Assert.Equal("2.0", (string?)host["version"]);
        Assert.Equal("api", (string?)host["extensions"]!["http"]!["routePrefix"]);
    }
}
