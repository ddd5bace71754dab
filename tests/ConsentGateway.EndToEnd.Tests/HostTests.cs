using System.Net;
using System.Text.Json;
using ConsentGateway.Core.Policy;
using ConsentGateway.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ConsentGateway.EndToEnd.Tests;

public class HostTests(GatewayServer server) : IClassFixture<GatewayServer>
{
    [Fact]
    public async Task The_openapi_document_describes_every_route()
    {
        using var client = server.Client(null);
        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();

        Assert.Superset(
            new HashSet<string>
            {
                "/api/v1/accounts/{userId}",
                "/api/v1/accounts/{userId}/partner-sharing",
                "/api/v1/accounts/{userId}/partner-sharing/history",
                "/api/v1/devices/{adId}",
                "/api/v1/devices/{adId}/accounts/{userId}",
            },
            paths);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_decision_answers_from_the_handlers_types()
    {
        using var client = server.Client(null);
        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths");
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");

        JsonElement OkSchema(string path, string method) =>
            Resolve(paths.GetProperty(path).GetProperty(method).GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema"));

        JsonElement Resolve(JsonElement schema) =>
            schema.TryGetProperty("$ref", out var reference) ? schemas.GetProperty(reference.GetString()!.Split('/')[^1]) : schema;

        // Members of SPEC §4's decision, batch and policy answers.
        var decision = OkSchema("/api/v1/evaluate", "post").GetProperty("properties");
        Assert.All(["decision", "allowed", "denied", "reasons", "partnership", "policyVersion", "consentVersion", "decisionId", "ttlSeconds"], member => Assert.True(decision.TryGetProperty(member, out _), member));
        Assert.True(OkSchema("/api/v1/evaluate/batch", "post").GetProperty("properties").TryGetProperty("results", out _));
        Assert.True(OkSchema("/api/v1/policy", "get").GetProperty("properties").TryGetProperty("document", out _));
        Assert.True(OkSchema("/api/v1/accounts/{userId}/partner-sharing", "get").GetProperty("properties").TryGetProperty("isDefault", out _));
    }

    [Fact]
    public async Task The_openapi_document_describes_the_consistency_tokens_of_writes_and_evaluations()
    {
        using var client = server.Client(null);
        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths");
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");

        JsonElement Resolve(JsonElement schema) =>
            schema.TryGetProperty("$ref", out var reference) ? schemas.GetProperty(reference.GetString()!.Split('/')[^1])
            : schema.TryGetProperty("oneOf", out var oneOf) ? Resolve(oneOf.EnumerateArray().Single(s => s.TryGetProperty("$ref", out _)))
            : schema;

        JsonElement Answer(string path, string method, string status) =>
            Resolve(paths.GetProperty(path).GetProperty(method).GetProperty("responses").GetProperty(status).GetProperty("content").GetProperty("application/json").GetProperty("schema"));

        // A member of every write's answer; required where the answer is a write's only.
        foreach (var (path, status) in (IEnumerable<(string, string)>)[("/api/v1/accounts/{userId}", "201"), ("/api/v1/accounts/{userId}", "200"), ("/api/v1/devices/{adId}", "201"), ("/api/v1/devices/{adId}/accounts/{userId}", "200")])
        {
            var schema = Answer(path, "put", status);
            Assert.True(schema.GetProperty("properties").TryGetProperty("consistencyToken", out _), $"{path} {status}");
            Assert.Contains("consistencyToken", schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        }

        Assert.True(Answer("/api/v1/accounts/{userId}/partner-sharing", "put", "200").GetProperty("properties").TryGetProperty("consistencyToken", out _));
        // The deletion has no body: a header.
        var deleted = paths.GetProperty("/api/v1/accounts/{userId}").GetProperty("delete").GetProperty("responses").GetProperty("204");
        Assert.Equal("string", deleted.GetProperty("headers").GetProperty("X-Consent-Consistency-Token").GetProperty("schema").GetProperty("type").GetString());
        // Evaluations (and each request of a batch) take one back.
        var body = Resolve(paths.GetProperty("/api/v1/evaluate").GetProperty("post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        var consistency = Resolve(body.GetProperty("properties").GetProperty("consistency"));
        Assert.True(consistency.GetProperty("properties").TryGetProperty("atLeastAsFresh", out _));
    }

    [Fact]
    public async Task The_scalar_page_is_served()
    {
        using var client = server.Client(null);
        using var response = await client.GetAsync("/scalar/v1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public void Without_urls_the_server_listens_on_loopback_port_7071()
    {
        var app = ConsentServer.Build(["--Consent:Auth:Issuer", "i", "--Consent:Auth:Audience", "a", "--Consent:Auth:SigningKey", new string('k', 32)]);
        Assert.Equal(ConsentServer.DefaultUrl, app.Services.GetRequiredService<IConfiguration>()[WebHostDefaults.ServerUrlsKey]);
    }

    [Fact]
    public void An_invalid_policy_document_stops_the_server_with_the_field_path()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, PolicyLoader.Serialize(PolicyLoader.ReadDefaultDocument() with { PolicyVersion = "" }));
            var thrown = Assert.Throws<PolicyValidationException>(() => ConsentServer.Build(["--Consent:PolicyPath", path]));
            Assert.Contains("policyVersion: is required", thrown.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_short_signing_key_stops_the_server_naming_the_setting()
    {
        await using var app = ConsentServer.Build(["--urls", "http://127.0.0.1:0", "--Consent:Auth:Issuer", "i", "--Consent:Auth:Audience", "a", "--Consent:Auth:SigningKey", "short"]);
        var thrown = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains("Consent:Auth:SigningKey must be at least 32 bytes", thrown.Message, StringComparison.Ordinal);
    }
}
