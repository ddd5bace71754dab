using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Server.SettingsPage;

/// <summary>
/// Checks <see cref="SettingsPageOptions.FrameAncestors"/> at start: only <c>'none'</c> alone, or
/// <c>'self'</c> and http(s) origins, so that a setting can never add another directive to the
/// page's policy (no <c>;</c>, no <c>,</c>, no quotes but the two keywords) or allow any framer
/// by accident (<c>*</c>, bare schemes).
/// </summary>
internal sealed partial class SettingsPageOptionsValidator : IValidateOptions<SettingsPageOptions>
{
    public ValidateOptionsResult Validate(string? name, SettingsPageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var sources = (options.FrameAncestors ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var valid = sources is [SettingsPageOptions.NoFraming] || (sources.Length > 0 && sources.All(source => source == "'self'" || Origin().IsMatch(source)));
        return valid
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{SettingsPageOptions.SectionName}:FrameAncestors '{options.FrameAncestors}' must be 'none', or a space-separated list of 'self' and origins such as https://app.example.com (the apps that embed the page in an iframe).");
    }

    // An origin as CSP writes it: scheme, host (a leading *. for subdomains), optional port, optional "/".
    [GeneratedRegex(@"^https?://(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:[0-9]{1,5})?/?$", RegexOptions.CultureInvariant)]
    private static partial Regex Origin();
}
