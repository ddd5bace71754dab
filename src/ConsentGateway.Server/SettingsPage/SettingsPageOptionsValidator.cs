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

    // An origin as CSP writes it: scheme, host, optional port, optional "/". A leading *. (subdomains)
    // needs at least two labels after it, so *.com cannot let every .com site frame the page. \z, not
    // $: a trailing newline would pass $ and then be refused by Kestrel as a header value.
    [GeneratedRegex(@"^https?://(\*\.[A-Za-z0-9-]+\.[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*|[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*)(:[0-9]{1,5})?/?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Origin();
}
