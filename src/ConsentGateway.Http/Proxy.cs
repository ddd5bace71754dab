using System.Collections.Frozen;

namespace ConsentGateway.Http;

/// <summary>An authenticated egress proxy.</summary>
public sealed class Proxy(string name, byte[] keyHash, FrozenSet<string>? partners)
{
    public string Name { get; } = name;

    internal byte[] KeyHash { get; } = keyHash;

    /// <summary>The proxy's rate-limit partition, made once.</summary>
    internal string RateLimitKey { get; } = "proxy:" + name;

    /// <summary>Whether the proxy serves <paramref name="partnerId"/> (every partner, for <c>*</c>).</summary>
    public bool MayAskAbout(string partnerId) => partners is null || partners.Contains(partnerId);
}
