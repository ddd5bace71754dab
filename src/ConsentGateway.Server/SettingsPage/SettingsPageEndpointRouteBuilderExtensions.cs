using ConsentGateway.Server.SettingsPage;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ConsentGateway.Server;

/// <summary>
/// The settings page of SPEC §4 "People" at <see cref="PagePath"/>: one HTML page, one style sheet
/// and one script module, embedded in the server and served from it alone, under a policy that lets
/// the page load nothing but them and call nothing but this gateway's API (docs/decisions/0012).
/// </summary>
public static class SettingsPageEndpointRouteBuilderExtensions
{
    public const string PagePath = "/account/privacy";

    public static WebApplication MapSettingsPage(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var policy = ContentSecurityPolicy(app.Services.GetRequiredService<IOptions<SettingsPageOptions>>().Value);
        var page = app.MapGroup(PagePath).ExcludeFromDescription();
        Map(page, string.Empty, SettingsPageAsset.Load("privacy.html", "text/html; charset=utf-8"), policy);
        Map(page, "/privacy.js", SettingsPageAsset.Load("privacy.js", "text/javascript; charset=utf-8"), policy);
        Map(page, "/privacy.css", SettingsPageAsset.Load("privacy.css", "text/css; charset=utf-8"), policy);
        return app;
    }

    /// <summary>
    /// Nothing by default; the page's own script and style sheet; fetches to this origin only (the API);
    /// no inline script or style, no eval, no plugins, no forms, no base URL, no framing but by
    /// <see cref="SettingsPageOptions.FrameAncestors"/>; DOM sinks take no strings (the script builds nodes).
    /// </summary>
    internal static string ContentSecurityPolicy(SettingsPageOptions options) =>
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; " +
        $"frame-ancestors {options.FrameAncestors}; require-trusted-types-for 'script'";

    private static void Map(RouteGroupBuilder page, string path, SettingsPageAsset asset, string policy) =>
        page.MapMethods(path, [HttpMethods.Get, HttpMethods.Head], (HttpContext context) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = policy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            // The files hold no personal data (the script fetches it with the token); every load
            // revalidates, so a new release is picked up at once and an unchanged one costs a 304.
            headers.CacheControl = "no-cache";
            headers.ETag = asset.ETag.ToString();
            var ifNoneMatch = context.Request.GetTypedHeaders().IfNoneMatch;
            return ifNoneMatch.Any(tag => tag.Compare(asset.ETag, useStrongComparison: false))
                ? Results.StatusCode(StatusCodes.Status304NotModified)
                : Results.Bytes(asset.Content, asset.ContentType);
        });
}
