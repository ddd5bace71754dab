using System.Net;
using ConsentGateway.Server;
using ConsentGateway.Server.SettingsPage;
using Microsoft.Extensions.Options;

namespace ConsentGateway.EndToEnd.Tests.Browser;

/// <summary>
/// How the self-host serves the settings page's three files: under a strict Content-Security-Policy
/// (framing only by <c>Consent:SettingsPage:FrameAncestors</c>), with no referrer, no sniffing, no
/// cookie, revalidated on every load; a setting that would widen the policy stops the start.
/// </summary>
public class SettingsPageHeadersTests(GatewayServer server) : IClassFixture<GatewayServer>
{
    private const string Policy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'";

    [Theory]
    [InlineData("/account/privacy", "text/html")]
    [InlineData("/account/privacy/privacy.js", "text/javascript")]
    [InlineData("/account/privacy/privacy.css", "text/css")]
    public async Task Each_file_has_the_strict_policy_no_referrer_no_sniffing_no_cookie_and_revalidates(string path, string mediaType)
    {
        using var client = server.Client(token: null);
        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((mediaType, "utf-8"), (response.Content.Headers.ContentType!.MediaType, response.Content.Headers.ContentType.CharSet));
        Assert.Equal(Policy, Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.True(response.Headers.CacheControl!.NoCache);
        Assert.False(response.Headers.Contains("Set-Cookie"));

        using var headRequest = new HttpRequestMessage(HttpMethod.Head, path);
        using var head = await client.SendAsync(headRequest);
        Assert.Equal((HttpStatusCode.OK, response.Headers.ETag), (head.StatusCode, head.Headers.ETag));

        // An unchanged file costs a 304 on the next load.
        using var again = new HttpRequestMessage(HttpMethod.Get, path);
        again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        using var revalidated = await client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        Assert.Empty(await revalidated.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_page_is_not_part_of_the_api_description()
    {
        using var client = server.Client(token: null);
        var document = await client.GetStringAsync("/openapi/v1.json");
        Assert.DoesNotContain("/account/privacy", document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_origins_of_frame_ancestors_may_embed_the_page()
    {
        var embeddable = new GatewayServer { ExtraArguments = ["--Consent:SettingsPage:FrameAncestors", "'self' https://app.example.com https://*.example.org:8443"] };
        await embeddable.InitializeAsync();
        try
        {
            using var client = embeddable.Client(token: null);
            using var response = await client.GetAsync("/account/privacy");
            Assert.Contains("; frame-ancestors 'self' https://app.example.com https://*.example.org:8443; ", Assert.Single(response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        }
        finally
        {
            await embeddable.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("*")]
    [InlineData("https:")]
    [InlineData("https://app.example.com; script-src *")]
    [InlineData("https://app.example.com, https://other.example.com")]
    [InlineData("'none' https://app.example.com")]
    [InlineData("'unsafe-inline'")]
    [InlineData(" ")]
    [InlineData("https://app.example.com\n")]
    [InlineData("https://*.com")]
    public void A_frame_ancestors_value_that_is_not_none_or_a_list_of_origins_stops_the_start_naming_the_setting(string value)
    {
        var misconfigured = new GatewayServer { ExtraArguments = ["--Consent:SettingsPage:FrameAncestors", value] };
        var error = Assert.Throws<OptionsValidationException>(() => ConsentServer.Build(["--urls", "http://127.0.0.1:0", .. misconfigured.ServerArguments()]));
        Assert.Contains(SettingsPageOptions.SectionName + ":FrameAncestors", error.Message, StringComparison.Ordinal);
    }
}
