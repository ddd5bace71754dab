using System.Net;
using ConsentGateway.Server;

namespace ConsentGateway.EndToEnd.Tests;

/// <summary>The OpenAPI document and Scalar's page: served outside Production, or where <c>Consent:ApiDocs:Enabled</c> says so.</summary>
public class ApiDocsTests
{
    [Theory]
    [InlineData("Production", null, HttpStatusCode.NotFound)]
    [InlineData("Production", "true", HttpStatusCode.OK)]
    [InlineData("Development", null, HttpStatusCode.OK)]
    [InlineData("Testing", null, HttpStatusCode.OK)]
    [InlineData("Development", "false", HttpStatusCode.NotFound)]
    public async Task The_api_docs_are_served_outside_production_or_where_the_setting_enables_them(string environment, string? enabled, HttpStatusCode expected)
    {
        // A GatewayServer that is never started: its arguments (store, keys) and its SQLite file, deleted after.
        var configuration = new GatewayServer();
        string[] settings = enabled is null ? ["--environment", environment] : ["--environment", environment, "--" + ApiDocsEndpointRouteBuilderExtensions.EnabledSetting, enabled];
        var app = ConsentServer.Build(["--urls", "http://127.0.0.1:0", .. configuration.ServerArguments(), .. settings]);
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
            await configuration.DisposeAsync();
        }
    }
}
