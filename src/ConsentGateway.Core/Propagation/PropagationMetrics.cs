using System.Diagnostics.Metrics;

namespace ConsentGateway.Core.Propagation;

/// <summary>
/// The propagation instruments (System.Diagnostics.Metrics, exported by OpenTelemetry in the
/// hosts): lag from acceptance to projection, repairs, dead letters and malformed notices.
/// </summary>
public sealed class PropagationMetrics : IDisposable
{
    public const string MeterName = "ConsentGateway.Propagation";

    private readonly Meter _meter;
    private readonly Histogram<double> _lag;
    private readonly Counter<long> _republished;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _malformed;

    public PropagationMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _lag = _meter.CreateHistogram<double>("consent.propagation.lag", "ms", "Time from a change being accepted to its projection being written.");
        _republished = _meter.CreateCounter<long>("consent.repair.republished", description: "Intents the repair published again because their change was not confirmed as projected.");
        _deadLettered = _meter.CreateCounter<long>("consent.propagation.dead_lettered", description: "Notices that failed on their last allowed delivery.");
        _malformed = _meter.CreateCounter<long>("consent.propagation.malformed", description: "Notices that could not be read (completed; their intents stay for repair).");
    }

    public void RecordLag(TimeSpan lag) => _lag.Record(Math.Max(0, lag.TotalMilliseconds));

    public void Republished(long count) => _republished.Add(count);

    public void DeadLettered() => _deadLettered.Add(1);

    public void Malformed() => _malformed.Add(1);

    public void Dispose() => _meter.Dispose();
}
