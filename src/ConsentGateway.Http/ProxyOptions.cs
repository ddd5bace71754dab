namespace ConsentGateway.Http;

/// <summary><c>Consent:Proxies</c>: every egress proxy allowed to ask, by name.</summary>
public sealed class ProxyOptions
{
    public const string SectionName = "Consent:Proxies";
    public const string AnyPartner = "*";

    public Dictionary<string, ProxyEntry> Proxies { get; } = new(StringComparer.Ordinal);
}
