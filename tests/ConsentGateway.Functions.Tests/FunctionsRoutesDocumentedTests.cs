using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ConsentGateway.Testing;

namespace ConsentGateway.Functions.Tests;

/// <summary>
/// The API description is one for both hosts: every HTTP route of the Functions app, as its
/// generated functions.metadata declares it below the <c>api</c> prefix, is in the OpenAPI document
/// the self-host's build writes (at its path, or at a path whose own servers add the prefix).
/// </summary>
public partial class FunctionsRoutesDocumentedTests
{
    private const string FunctionsServer = "azurewebsites.net";

    private static readonly JsonNode Document = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root, "src", "ConsentGateway.Server", "obj", "openapi", "consent-gateway.json")))!;

    public static TheoryData<string, string, string[]> HttpRoutes()
    {
        var data = new TheoryData<string, string, string[]>();
        foreach (var function in JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")))!.AsArray())
        {
            if (function!["bindings"]!.AsArray().FirstOrDefault(b => (string?)b!["type"] == "httpTrigger") is { } trigger)
            {
                data.Add((string)function["name"]!, (string)trigger["route"]!, [.. trigger["methods"]!.AsArray().Select(m => (string)m!)]);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HttpRoutes))]
    public void Each_http_function_is_in_the_document(string name, string route, string[] methods)
    {
        // The Functions host serves the route below its prefix; a catch-all below it is the route itself.
        var called = "/api/" + CatchAll().Replace(route, string.Empty);
        var documented = Document["paths"]!.AsObject()
            .Where(path => HostPathsOf(path.Key, path.Value!).Contains(called))
            .SelectMany(path => methods.Where(method => path.Value![method] is not null))
            .ToList();

        Assert.True(documented.Count > 0, $"{name} ({string.Join(",", methods)} {called}) is not in the OpenAPI document.");
        if (methods.Length == 1)
        {
            Assert.Equal(methods, documented);
        }
    }

    // The path on the Functions app: the document's own when the path names no servers, else below
    // the path of its Functions server.
    private static IEnumerable<string> HostPathsOf(string path, JsonNode item) =>
        item["servers"] is not JsonArray servers ? [path]
        : servers.Select(s => (string)s!["url"]!).Where(url => url.Contains(FunctionsServer, StringComparison.Ordinal))
            .Select(url => UrlPath().Match(url).Groups[1].Value + path);

    [GeneratedRegex(@"/\{\*[^}]+\}$")]
    private static partial Regex CatchAll();

    [GeneratedRegex(@"^https?://[^/]+(/.*)?$")]
    private static partial Regex UrlPath();
}
