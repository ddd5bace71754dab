using System.Collections.Concurrent;
using ConsentGateway.Http;
using Microsoft.Playwright;

namespace ConsentGateway.EndToEnd.Tests.Browser;

/// <summary>
/// The walk-through of Scalar's page in a real browser (Debian's Chromium, which test.sh installs;
/// Playwright never downloads one): a token and a proxy key entered in its authentication panel,
/// a request sent from the page, and nothing fetched from anywhere but this gateway.
/// </summary>
public class ScalarPageTests(GatewayServer server, HeadlessChromium chromium) : IClassFixture<GatewayServer>, IClassFixture<HeadlessChromium>
{
    private const float AnswerTimeoutMs = HeadlessChromium.AnswerTimeoutMs;

    // Scalar's own hosted services (its toolbar and its AI chat); none can work on a closed network.
    private static readonly string[] HostedServiceButtons = ["Developer Tools", "Configure", "Share", "Generate SDK", "Deploy", "Ask AI"];

    [Fact]
    public async Task A_token_entered_in_the_auth_panel_reads_the_setting_from_the_page_and_nothing_leaves_loopback()
    {
        // README's walk-through user: the document's example fills the page's userId, as a reader of it sees.
        var userId = await server.CreateAccountAsync(userId: "alice", enabled: true);
        var token = server.Token(userId, Scopes.User);

        var page = await chromium.NewPageAsync();
        var requests = new ConcurrentQueue<IRequest>();
        page.Request += (_, request) => requests.Enqueue(request);

        try
        {
            await page.GotoAsync(new Uri(server.BaseAddress, "/scalar/v1").ToString());
            Assert.Equal("Consent gateway API", await page.TitleAsync());

            // The authentication panel on the page's introduction: bearer and proxy key, both preferred.
            await page.GetByPlaceholder("Token").FillAsync(token);
            await page.GetByLabel("Value", new PageGetByLabelOptions { Exact = true }).FillAsync(server.ProxyKey);

            // The operation's tag opened in the sidebar (only the first tag starts open), the operation by its
            // method and path (summaries may be reworded), then its "Test Request" client.
            await page.Locator($"a[href$='#tag/{ApiTags.PartnerSharing.ToLowerInvariant().Replace(' ', '-')}']").First.ClickAsync();
            await page.Locator("a.endpoint[href$='/GET/api/v1/accounts/{userId}/partner-sharing']").ClickAsync();
            await page.Locator("section[id$='/GET/api/v1/accounts/{userId}/partner-sharing'] button.show-api-client-button").ClickAsync();
            var client = page.GetByRole(AriaRole.Dialog, new PageGetByRoleOptions { Name = "API Client" });
            await Assertions.Expect(client.Locator("tr#userId")).ToContainTextAsync(userId);
            await client.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Send" }).First.ClickAsync();

            await Assertions.Expect(client.GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = "200 OK" })).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = AnswerTimeoutMs });
            await Assertions.Expect(client).ToContainTextAsync("\"enabled\": true", new LocatorAssertionsToContainTextOptions { Timeout = AnswerTimeoutMs });

            var sent = Assert.Single(requests, request => request.Url.EndsWith($"/api/v1/accounts/{userId}/partner-sharing", StringComparison.Ordinal));
            var headers = await sent.AllHeadersAsync();
            Assert.Equal("Bearer " + token, headers["authorization"]);
            Assert.Equal(server.ProxyKey, headers["x-consent-key"]);

            foreach (var name in HostedServiceButtons)
            {
                Assert.Equal(0, await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = name }).CountAsync());
            }

            Assert.All(requests, request => Assert.True(
                Uri.TryCreate(request.Url, UriKind.Absolute, out var url) && url.Scheme == Uri.UriSchemeHttp && url.IsLoopback,
                $"The page requested {request.Url}, outside this gateway's loopback address."));
        }
        finally
        {
            await HeadlessChromium.ScreenshotAsync(page, string.Empty, "scalar-partner-sharing");
        }
    }
}
