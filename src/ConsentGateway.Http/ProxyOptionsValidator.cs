using System.Security.Cryptography;
using ConsentGateway.Core.Policy;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Http;

/// <summary>Checks <see cref="ProxyOptions"/> at start against the policy; every message names the setting at fault.</summary>
internal sealed class ProxyOptionsValidator(PolicyInForce policies) : IValidateOptions<ProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, ProxyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new ValidateOptionsResultBuilder();
        foreach (var (proxyName, proxy) in options.Proxies)
        {
            var prefix = $"{ProxyOptions.SectionName}:{proxyName}";
            if (proxy.KeySha256 is not { Length: SHA256.HashSizeInBytes * 2 } hex || !hex.All(char.IsAsciiHexDigit))
            {
                errors.AddError($"{prefix}:KeySha256 must be the hex SHA-256 of the proxy's key (64 hex digits).");
            }

            if (proxy.Partners.Count == 0)
            {
                errors.AddError($"{prefix}:Partners must list the partner ids the proxy serves, or be \"*\".");
            }

            foreach (var partner in proxy.Partners)
            {
                if (partner == ProxyOptions.AnyPartner ? proxy.Partners.Count > 1 : !policies.Current.TryGetPartner(partner, out _))
                {
                    errors.AddError($"{prefix}:Partners: \"{partner}\" is not a partner of the policy (or \"*\" is not alone).");
                }
            }
        }

        return errors.Build();
    }
}
