using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using ConsentGateway.Contracts;
using ConsentGateway.Core.Policy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace ConsentGateway.Http;

/// <summary>One egress proxy as configured under <c>Consent:Proxies:&lt;name&gt;</c>.</summary>
public sealed class ProxyEntry
{
    /// <summary>Hex SHA-256 of the proxy's key (the key itself is never configured).</summary>
    public string? KeySha256 { get; set; }

    /// <summary>The partner ids the proxy may ask about, or the single entry <c>*</c> for every partner.</summary>
    public IReadOnlyList<string> Partners { get; set; } = [];
}

/// <summary><c>Consent:Proxies</c>: every egress proxy allowed to ask, by name.</summary>
public sealed class ProxyOptions
{
    public const string Section = "Consent:Proxies";
    public const string AnyPartner = "*";

    public Dictionary<string, ProxyEntry> Proxies { get; } = new(StringComparer.Ordinal);

    /// <summary>Reads the section by hand: <c>Partners</c> may be one string (<c>*</c>) or an array.</summary>
    internal void Bind(IConfiguration configuration)
    {
        foreach (var proxy in configuration.GetSection(Section).GetChildren())
        {
            var partners = proxy.GetSection(nameof(ProxyEntry.Partners));
            Proxies[proxy.Key] = new ProxyEntry
            {
                KeySha256 = proxy[nameof(ProxyEntry.KeySha256)],
                Partners = partners.Value is { } single ? [single] : [.. partners.GetChildren().Select(p => p.Value ?? string.Empty)],
            };
        }
    }

    internal IEnumerable<string> Problems(CompiledPolicy policy)
    {
        foreach (var (name, proxy) in Proxies)
        {
            var prefix = $"{Section}:{name}";
            if (proxy.KeySha256 is not { Length: SHA256.HashSizeInBytes * 2 } hex || !hex.All(char.IsAsciiHexDigit))
            {
                yield return $"{prefix}:KeySha256 must be the hex SHA-256 of the proxy's key (64 hex digits).";
            }

            if (proxy.Partners.Count == 0)
            {
                yield return $"{prefix}:Partners must list the partner ids the proxy serves, or be \"*\".";
            }

            foreach (var partner in proxy.Partners)
            {
                if (partner == AnyPartner ? proxy.Partners.Count > 1 : !policy.TryGetPartner(partner, out _))
                {
                    yield return $"{prefix}:Partners: \"{partner}\" is not a partner of the policy (or \"*\" is not alone).";
                }
            }
        }
    }
}

/// <summary>An authenticated egress proxy.</summary>
public sealed class Proxy(string name, byte[] keyHash, FrozenSet<string>? partners)
{
    public string Name { get; } = name;

    internal byte[] KeyHash { get; } = keyHash;

    /// <summary>Whether the proxy serves <paramref name="partnerId"/> (every partner, for <c>*</c>).</summary>
    public bool MayAskAbout(string partnerId) => partners is null || partners.Contains(partnerId);
}

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
