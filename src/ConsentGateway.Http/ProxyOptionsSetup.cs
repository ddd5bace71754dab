using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Http;

/// <summary>
/// Fills <see cref="ProxyOptions"/> from <c>Consent:Proxies</c> by hand, because a proxy's
/// <c>Partners</c> may be one string (<c>*</c>) as well as an array, which the binder cannot read.
/// </summary>
internal sealed class ProxyOptionsSetup(IConfiguration configuration) : IConfigureOptions<ProxyOptions>
{
    public void Configure(ProxyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var proxy in configuration.GetSection(ProxyOptions.SectionName).GetChildren())
        {
            var partners = proxy.GetSection(nameof(ProxyEntry.Partners));
            options.Proxies[proxy.Key] = new ProxyEntry
            {
                KeySha256 = proxy[nameof(ProxyEntry.KeySha256)],
                Partners = partners.Value is { } single ? [single] : [.. partners.GetChildren().Select(p => p.Value ?? string.Empty)],
            };
        }
    }
}
