using System.Diagnostics.Metrics;

namespace ConsentGateway.Core.Policy;

/// <summary>The policy lifecycle's instruments: switches to a new version, and candidate documents refused.</summary>
public sealed class PolicyMetrics : IDisposable
{
    public const string MeterName = "ConsentGateway.Policy";

    private readonly Meter _meter;
    private readonly Counter<long> _switches;
    private readonly Counter<long> _refused;

    public PolicyMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _switches = _meter.CreateCounter<long>("consent.policy.switches", "{switch}", "Policy documents that became the policy in force while the host ran.");
        _refused = _meter.CreateCounter<long>("consent.policy.refused", "{document}", "Candidate policy documents refused (invalid, or another document under the version in force); the version in force stayed.");
    }

    public void Switched() => _switches.Add(1);

    public void Refused() => _refused.Add(1);

    public void Dispose() => _meter.Dispose();
}
