namespace ConsentGateway.Http;

/// <summary>One egress proxy as configured under <c>Consent:Proxies:&lt;name&gt;</c>.</summary>
public sealed class ProxyEntry
{
    /// <summary>Hex SHA-256 of the proxy's key (the key itself is never configured).</summary>
    public string? KeySha256 { get; set; }

    /// <summary>The partner ids the proxy may ask about, or the single entry <c>*</c> for every partner.</summary>
    public IReadOnlyList<string> Partners { get; set; } = [];
}
