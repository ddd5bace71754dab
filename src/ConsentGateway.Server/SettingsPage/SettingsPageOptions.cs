namespace ConsentGateway.Server.SettingsPage;

/// <summary><c>Consent:SettingsPage</c>: how the settings page at <c>/account/privacy</c> may be embedded.</summary>
public sealed class SettingsPageOptions
{
    public const string SectionName = "Consent:SettingsPage";

    /// <summary>The page's own default: no other page may frame it.</summary>
    public const string NoFraming = "'none'";

    /// <summary>
    /// The <c>frame-ancestors</c> sources of the page's Content-Security-Policy: <c>'none'</c>
    /// (default), or a space-separated list of <c>'self'</c> and <c>https://</c> (or <c>http://</c>)
    /// origins of the apps that embed the page in an iframe, e.g. <c>https://app.example.com</c>.
    /// </summary>
    public string FrameAncestors { get; set; } = NoFraming;
}
