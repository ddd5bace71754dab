using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using ConsentGateway.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace ConsentGateway.Http;

/// <summary>
/// Finds the proxy that sent a request from its <c>X-Consent-Key</c>: the key's SHA-256 is
/// compared with every configured hash in constant time, all of them every time, so neither the
/// comparison nor the position of a match shows in the response time.
/// </summary>
public sealed class ProxyAuthenticator
{
    /// <summary>Longer keys are refused before hashing; real ones are a few dozen characters.</summary>
    private const int MaxKeyLength = 512;

    private readonly Proxy[] _proxies;

    public ProxyAuthenticator(IOptions<ProxyOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _proxies = [.. options.Value.Proxies.Select(p => new Proxy(
            p.Key,
            Convert.FromHexString(p.Value.KeySha256!),
            p.Value.Partners.Contains(ProxyOptions.AnyPartner) ? null : p.Value.Partners.ToFrozenSet(StringComparer.Ordinal)))];
    }

    /// <summary>The proxy of the request: the one its credential check found (rate limits, self-host), else from its key.</summary>
    public Proxy? Authenticate(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<Proxy>() ?? Authenticate(context.Request.Headers[ConsentHeaders.Key]);
    }

    /// <summary>The proxy whose key the request carries; <c>null</c> when it carries none, several, or an unknown one.</summary>
    public Proxy? Authenticate(StringValues key)
    {
        if (key.Count != 1 || key[0] is not { Length: > 0 and <= MaxKeyLength } presented)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[Encoding.UTF8.GetMaxByteCount(MaxKeyLength)];
        var length = Encoding.UTF8.GetBytes(presented, bytes);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes[..length], hash);

        Proxy? match = null;
        foreach (var proxy in _proxies)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, proxy.KeyHash))
            {
                match = proxy;
            }
        }

        return match;
    }
}
