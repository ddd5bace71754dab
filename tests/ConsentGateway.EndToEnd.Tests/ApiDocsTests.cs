using System.Net;
using ConsentGateway.Server;
using Microsoft.AspNetCore.Builder;

namespace ConsentGateway.EndToEnd.Tests;

/// <summary>The OpenAPI document and Scalar's page: served outside Production, or where <c>Consent:ApiDocs:Enabled</c> says so.</summary>
public sealed class ApiDocsTests : IAsyncLifetime
{
    // Never started: it lends its arguments (store, keys) and deletes its SQLite file after.
    private readonly GatewayServer _configuration = new();

    [Theory]
    [InlineData("Production", null, HttpStatusCode.NotFound)]
    [InlineData("Production", "true", HttpStatusCode.OK)]
    [InlineData("Development", null, HttpStatusCode.OK)]
    [InlineData("Testing", null, HttpStatusCode.OK)]
    [InlineData("Development", "false", HttpStatusCode.NotFound)]
    public async Task The_api_docs_are_served_outside_production_or_where_the_setting_enables_them(string environment, string? enabled, HttpStatusCode expected)
    {
        var app = Build(environment, enabled);
        try
        {
            await app.StartAsync();
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
            foreach (var path in (string[])["/openapi/v1.json", "/scalar/v1"])
            {
                using var response = await client.GetAsync(path);
                Assert.True(expected == response.StatusCode, $"{path} in {environment} (ApiDocs:Enabled={enabled ?? "unset"}): {(int)response.StatusCode}");
            }
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public void A_setting_that_is_not_a_boolean_stops_the_start_naming_it()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build("Production", "yes"));
        Assert.Contains(ApiDocsEndpointRouteBuilderExtensions.EnabledSetting, error.Message, StringComparison.Ordinal);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _configuration.DisposeAsync();

    private WebApplication Build(string environment, string? enabled) => ConsentServer.Build(
    [
        "--urls", "http://127.0.0.1:0",
        .. _configuration.ServerArguments(),
        "--environment", environment,
        .. enabled is null ? Array.Empty<string>() : ["--" + ApiDocsEndpointRouteBuilderExtensions.EnabledSetting, enabled],
    ]);
}
