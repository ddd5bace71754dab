using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ConsentGateway.Contracts;
using ConsentGateway.Server.OpenApi;
using ConsentGateway.Testing;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ConsentGateway.EndToEnd.Tests;

/// <summary>
/// The OpenAPI document the self-host serves (and the build writes) describes every route it maps,
/// as the API behaves, and both linters accept it.
/// </summary>
public partial class ApiDescriptionTests(GatewayServer server, ITestOutputHelper output) : IClassFixture<GatewayServer>
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

    [Fact]
    public async Task Every_route_the_server_maps_is_in_the_document()
    {
        var paths = (await ServedAsync())["paths"]!.AsObject();
        var routes = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .ToList();

        Assert.Contains(routes, route => route.RoutePattern.RawText!.Contains("check", StringComparison.Ordinal));
        Assert.Contains(routes, route => route.RoutePattern.RawText == ApiRoutes.HealthReadyPath);
        Assert.All(routes, route =>
        {
            // What a client calls: the catch-all below /check is the route itself.
            var path = "/" + CatchAll().Replace(route.RoutePattern.RawText!, string.Empty).TrimStart('/');
            var item = paths[path];
            Assert.True(item is not null, $"{route.DisplayName}: {path} is not in the document.");
            var documented = Methods.Where(method => item![method] is not null).ToList();
            if (route.Metadata.GetMetadata<IHttpMethodMetadata>() is { HttpMethods.Count: > 0 } methods)
            {
                Assert.All(methods.HttpMethods, method => Assert.Contains(method.ToLowerInvariant(), documented));
            }
            else
            {
                Assert.NotEmpty(documented);
            }
        });
    }

    [Fact]
    public async Task The_document_written_at_build_time_is_the_one_served()
    {
        var built = Path.Combine(Repository.Root, "src", "ConsentGateway.Server", "obj", "openapi", "consent-gateway.json");
        Assert.True(File.Exists(built), $"The build did not write {built} (Microsoft.Extensions.ApiDescription.Server in ConsentGateway.Server.csproj).");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(await File.ReadAllTextAsync(built)), await ServedAsync()), "The document written at build time differs from the one served.");
    }

    [Fact]
    public async Task Redocly_lints_the_document_with_no_error()
    {
        var (exitCode, text) = await LintAsync("redocly", file => ["lint", "--config", "redocly.yaml", "--format", "stylish", file]);
        Assert.True(exitCode == 0, text);
        Assert.DoesNotMatch(@"[1-9]\d* errors?", text);
    }

    [Fact]
    public async Task Spectral_lints_the_document_with_no_error()
    {
        var (exitCode, text) = await LintAsync("spectral", file => ["lint", "--ruleset", ".spectral.yaml", "--fail-severity", "error", file]);
        Assert.True(exitCode == 0, text);
    }

    [Fact]
    public async Task Check_is_a_GET_with_its_request_headers_and_answers_with_their_headers()
    {
        var check = (await ServedAsync())["paths"]![ApiRoutes.CheckPath]!["get"]!;
        var headers = check["parameters"]!.AsArray().Where(p => (string?)p!["in"] == "header").Select(p => (string)p!["name"]!).ToList();
        Assert.Equal(
            [ConsentHeaders.Partner, ConsentHeaders.Via, ConsentHeaders.User, ConsentHeaders.Device, ConsentHeaders.Data, ConsentHeaders.Country, ConsentHeaders.AtLeastAsFresh],
            headers);

        var responses = check["responses"]!.AsObject();
        Assert.Equal(["200", "400", "401", "403"], responses.Select(r => r.Key).Order(StringComparer.Ordinal));
        foreach (var status in (string[])["200", "401", "403"])
        {
            Assert.Null(responses[status]!["content"]);
            Assert.NotNull(responses[status]!["headers"]![ConsentHeaders.Decision]);
            Assert.NotNull(responses[status]!["headers"]![ConsentHeaders.Reason]);
        }

        Assert.True((bool)responses["200"]!["headers"]![ConsentHeaders.DecisionId]!["required"]!);
        Assert.NotNull(responses["400"]!["content"]!["application/problem+json"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"proxyKey":[]}]"""), check["security"]));
    }

    [Fact]
    public async Task Numbers_are_numbers_and_a_request_member_the_api_can_go_without_is_optional()
    {
        var document = await ServedAsync();
        Assert.All(Schemas(document), schema =>
        {
            var types = schema["type"] is JsonArray many ? many.Select(t => (string)t!).ToList() : schema["type"] is JsonValue one ? [(string)one!] : [];
            Assert.False(types.Contains("string") && (types.Contains("integer") || types.Contains("number")), schema.ToJsonString());
        });

        var components = document["components"]!["schemas"]!;
        Assert.Equal(["data", "partner", "subject"], Required(components[nameof(EvaluateBody)]!));
        Assert.Equal(["country", "signedUpAt"], Required(components[nameof(AccountBody)]!));
        Assert.Empty(Required(components[nameof(SubjectBody)]!));
        Assert.Empty(Required(components[nameof(ConsistencyBody)]!));
        foreach (var body in (string[])[nameof(AccountBody), nameof(SettingBody), nameof(EvaluateBody), nameof(BatchBody), nameof(SubjectBody), nameof(ConsistencyBody)])
        {
            Assert.False((bool)components[body]!["additionalProperties"]!, body);
            Assert.All(components[body]!["properties"]!.AsObject(), member => Assert.DoesNotContain("null", member.Value!["type"]?.ToJsonString() ?? string.Empty, StringComparison.Ordinal));
        }

        var signedUpAt = components[nameof(AccountBody)]!["properties"]!["signedUpAt"]!;
        Assert.Equal("date-time", (string?)signedUpAt["format"]);
        Assert.Equal(SubjectIds.Pattern, (string?)components[nameof(EvaluateBody)]!["properties"]!["partner"]!["pattern"]);
        Assert.Equal("^[A-Z]{2}$", (string?)components[nameof(AccountBody)]!["properties"]!["country"]!["pattern"]);
        Assert.Equal(SubjectIds.Pattern, (string?)document["paths"]!["/api/v1/accounts/{userId}"]!["put"]!["parameters"]![0]!["schema"]!["pattern"]);
    }

    [Fact]
    public async Task The_decision_and_the_problem_are_described_with_their_codes()
    {
        var components = (await ServedAsync())["components"]!["schemas"]!;
        var decision = components[nameof(DecisionResponse)]!["properties"]!;
        Assert.Equal(Decisions.All, Strings(decision["decision"]!["enum"]!));
        Assert.Equal(ReasonCodes.Decision, Strings(decision["reasons"]!["items"]!["enum"]!));
        Assert.Equal("uuid", (string?)decision["decisionId"]!["format"]);

        var problem = components["ProblemDetails"]!;
        Assert.Superset(new HashSet<string> { "type", "title", "status", "code", "traceId" }, Required(problem).ToHashSet());
        Assert.Equal(ProblemCodes.All, Strings(problem["properties"]!["code"]!["enum"]!));
        Assert.All(ProblemCodes.All, code => Assert.Contains($"`{code}`", (string)problem["properties"]!["code"]!["description"]!, StringComparison.Ordinal));
    }

    [Fact]
    public void The_problem_catalog_has_every_code_with_the_status_the_readme_gives()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        var table = readme[readme.IndexOf("### Problem codes", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("\n#", 1, StringComparison.Ordinal)];
        var rows = ProblemRow().Matches(table).ToDictionary(m => m.Groups["code"].Value, m => m.Groups["status"].Value);

        Assert.Equal(ProblemCodes.All.Order(StringComparer.Ordinal), ProblemCatalog.Entries.Select(e => e.Code).Order(StringComparer.Ordinal));
        Assert.All(ProblemCatalog.Entries, entry => Assert.Equal(rows[entry.Code], entry.Status == ProblemCatalog.AnyStatus ? "other" : entry.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Every_operation_says_who_may_call_it()
    {
        var document = await ServedAsync();
        var schemes = document["components"]!["securitySchemes"]!;
        Assert.Equal("bearer", (string?)schemes["bearer"]!["scheme"]);
        Assert.Equal(ConsentHeaders.Key, (string?)schemes["proxyKey"]!["name"]);
        Assert.Equal("header", (string?)schemes["proxyKey"]!["in"]);

        var operations = Operations(document).ToList();
        Assert.All(operations, op => Assert.True(op.Operation["security"] is JsonArray, $"{op.Path} has no security."));
        Assert.All(operations.Where(op => !op.Path.StartsWith("/health", StringComparison.Ordinal)), op => Assert.NotEmpty(op.Operation["security"]!.AsArray()));
        JsonNode Security(string path, string method) => document["paths"]![path]![method]!["security"]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"bearer":["consent.accounts"]}]"""), Security("/api/v1/accounts/{userId}", "put")));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"bearer":["consent.user"]},{"bearer":["consent.accounts"]}]"""), Security("/api/v1/accounts/{userId}/partner-sharing", "put")));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"proxyKey":[]}]"""), Security(ApiRoutes.EvaluatePath, "post")));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"proxyKey":[]},{"bearer":["consent.accounts"]}]"""), Security(ApiRoutes.PolicyPath, "get")));
    }

    [Fact]
    public async Task Headers_of_the_api_are_described()
    {
        var paths = (await ServedAsync())["paths"]!;
        var setting = paths["/api/v1/accounts/{userId}/partner-sharing"]!;
        Assert.Contains(setting["put"]!["parameters"]!.AsArray(), p => (string?)p!["name"] == "If-Match" && (string?)p["in"] == "header");
        Assert.NotNull(setting["put"]!["responses"]!["200"]!["headers"]!["ETag"]);
        Assert.NotNull(setting["get"]!["responses"]!["200"]!["headers"]!["ETag"]);
        Assert.NotNull(setting["put"]!["responses"]!["503"]!["headers"]!["Retry-After"]);
        Assert.NotNull(paths["/api/v1/accounts/{userId}"]!["delete"]!["responses"]!["204"]!["headers"]![ConsentHeaders.ConsistencyToken]);
    }

    [Fact]
    public async Task The_examples_are_the_readme_quick_start()
    {
        var document = await ServedAsync();
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        var quickStart = readme[readme.IndexOf("## Quick start", StringComparison.Ordinal)..readme.IndexOf("## The rules in short", StringComparison.Ordinal)];
        var bodies = CurlBody().Matches(quickStart).Select(m => JsonNode.Parse(m.Groups[1].Value)).ToList();
        var examples = Operations(document).Select(op => op.Operation["requestBody"]?["content"]?["application/json"]?["example"]).Where(e => e is not null).ToList();

        Assert.Equal(3, bodies.Count);
        Assert.All(bodies, body => Assert.Contains(examples, example => JsonNode.DeepEquals(example, body)));

        // The check of the walk-through, header by header.
        var check = document["paths"]![ApiRoutes.CheckPath]!["get"]!["parameters"]!.AsArray();
        foreach (var (name, value) in CurlHeader().Matches(quickStart[quickStart.IndexOf("/api/v1/check", StringComparison.Ordinal)..]).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).Where(h => h.Item1 != ConsentHeaders.Key))
        {
            Assert.Contains(check, p => (string?)p!["name"] == name && (string?)p["example"] == value);
        }
    }

    [Fact]
    public async Task The_title_version_and_tags_are_the_apis()
    {
        var document = await ServedAsync();
        Assert.Equal("3.1.1", (string?)document["openapi"]);
        Assert.Equal("Consent gateway API", (string?)document["info"]!["title"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)document["info"]!["description"]));
        Assert.Matches(@"^\d+\.\d+\.\d+$", (string?)document["info"]!["version"]);

        var tags = document["tags"]!.AsArray().ToDictionary(t => (string)t!["name"]!, t => (string?)t!["description"]);
        Assert.All(tags, tag => Assert.False(string.IsNullOrWhiteSpace(tag.Value), tag.Key));
        Assert.All(Operations(document), op => Assert.All(op.Operation["tags"]!.AsArray(), tag => Assert.Contains((string)tag!, tags.Keys)));
        Assert.DoesNotContain(Assembly.GetAssembly(typeof(ConsentGateway.Server.ConsentServer))!.GetName().Name!, tags.Keys);
    }

    private async Task<JsonNode> ServedAsync()
    {
        using var client = server.Client(null);
        return JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
    }

    /// <summary>Runs a linter of node_modules/.bin on the served document; prints what it says.</summary>
    private async Task<(int ExitCode, string Output)> LintAsync(string linter, Func<string, string[]> arguments)
    {
        var binary = Path.Combine(Repository.Root, "node_modules", ".bin", linter);
        Assert.True(File.Exists(binary), $"{binary} is missing: run `npm ci` (./test.sh does).");
        var file = Path.Combine(Path.GetTempPath(), $"consent-gateway-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, (await ServedAsync()).ToJsonString());
        try
        {
            var start = new ProcessStartInfo(binary)
            {
                WorkingDirectory = Repository.Root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in arguments(file))
            {
                start.ArgumentList.Add(argument);
            }

            // No telemetry and no update check: the linters run offline.
            start.Environment["REDOCLY_TELEMETRY"] = "off";
            start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
            start.Environment["NO_COLOR"] = "1";
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await process.WaitForExitAsync(deadline.Token);
            var text = $"{linter} exited with {process.ExitCode}:\n{await stdout}\n{await stderr}";
            output.WriteLine(text);
            return (process.ExitCode, text);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static IEnumerable<(string Path, JsonNode Operation)> Operations(JsonNode document) =>
        document["paths"]!.AsObject().SelectMany(path => Methods.Where(m => path.Value![m] is not null).Select(m => (path.Key, path.Value![m]!)));

    // Every schema object of the document, nested ones too.
    private static IEnumerable<JsonObject> Schemas(JsonNode node) => node switch
    {
        JsonObject o => (o["type"] is not null ? [o] : Enumerable.Empty<JsonObject>()).Concat(o.SelectMany(p => p.Value is null ? [] : Schemas(p.Value))),
        JsonArray a => a.SelectMany(item => item is null ? [] : Schemas(item)),
        _ => [],
    };

    private static List<string> Required(JsonNode schema) =>
        schema["required"] is JsonArray required ? [.. required.Select(r => (string)r!).Order(StringComparer.Ordinal)] : [];

    private static List<string> Strings(JsonNode array) => [.. array.AsArray().Select(v => (string)v!)];

    [GeneratedRegex(@"/\{\*[^}]+\}")]
    private static partial Regex CatchAll();

    [GeneratedRegex(@"^\|\s*`(?<code>[a-z-]+)`\s*\|\s*(?<status>[^|\s]+)\s*\|", RegexOptions.Multiline)]
    private static partial Regex ProblemRow();

    [GeneratedRegex(@"-d '([^']+)'")]
    private static partial Regex CurlBody();

    [GeneratedRegex(@"-H '(X-Consent-[A-Za-z-]+): ([^']+)'")]
    private static partial Regex CurlHeader();
}
