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
        // Seconds, as the semantic conventions measure durations; the buckets span the staleness bound's range.
        _lag = _meter.CreateHistogram<double>(
            "consent.propagation.lag",
            unit: "s",
            description: "Time from a change being accepted to its projection being written.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] });
        _republished = _meter.CreateCounter<long>("consent.repair.republished", "{intent}", "Intents the repair published again because their change was not confirmed as projected.");
        _deadLettered = _meter.CreateCounter<long>("consent.propagation.dead_lettered", "{notice}", "Notices that failed on their last allowed delivery.");
        _malformed = _meter.CreateCounter<long>("consent.propagation.malformed", "{notice}", "Notices that could not be read (completed; their intents stay for repair).");
    }

    public void RecordLag(TimeSpan lag) => _lag.Record(Math.Max(0, lag.TotalSeconds));

    public void Republished(long count) => _republished.Add(count);

    public void DeadLettered() => _deadLettered.Add(1);

    public void Malformed() => _malformed.Add(1);

    public void Dispose() => _meter.Dispose();
}
