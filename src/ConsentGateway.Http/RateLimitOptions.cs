namespace ConsentGateway.Http;

/// <summary>
/// <c>Consent:RateLimits</c>: how many requests one egress proxy (by name) and one token subject
/// (<c>sub</c>) may send per window, and how many refused credentials one source address may
/// present before its credentials are no longer checked. The defaults bound a runaway caller,
/// not the load the gateway is measured at (bench/README.md: ~116,000 checks/s on this machine).
/// </summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "Consent:RateLimits";

    /// <summary>Off: no request is limited (e.g. when a platform in front does it).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Per egress proxy (<c>X-Consent-Key</c>): every route it calls, together.</summary>
    public RateLimitWindow Proxy { get; set; } = new() { PermitLimit = 1_000_000 };

    /// <summary>Per bearer-token subject (<c>sub</c>): an app acting for a user, or the account service.</summary>
    public RateLimitWindow Caller { get; set; } = new() { PermitLimit = 50_000 };

    /// <summary>Per source address: refused proxy keys and bearer tokens; past the limit its credentials get 429 unchecked.</summary>
    public RateLimitWindow FailedAuthentication { get; set; } = new() { PermitLimit = 50, Window = TimeSpan.FromSeconds(10) };
}
