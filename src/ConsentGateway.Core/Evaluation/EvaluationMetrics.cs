using System.Diagnostics.Metrics;

namespace ConsentGateway.Core.Evaluation;

/// <summary>
/// The evaluation instruments: decisions by outcome and reason, and how the projection was read
/// (cache hits, misses, reads the store could not answer in time).
/// </summary>
public sealed class EvaluationMetrics : IDisposable
{
    public const string MeterName = "ConsentGateway.Evaluation";

    private readonly Meter _meter;
    private readonly Counter<long> _decisions;
    private readonly Counter<long> _cacheHits;
    private readonly Counter<long> _cacheMisses;
    private readonly Counter<long> _storeUnavailable;
    private readonly Counter<long> _storeReads;
    private readonly Counter<long> _evictions;

    public EvaluationMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _decisions = _meter.CreateCounter<long>("consent.decisions", description: "Decisions, once per reason they give, tagged with the outcome and the reason.");
        _cacheHits = _meter.CreateCounter<long>("consent.evaluation.cache_hits", description: "Subject lookups answered from memory within the decision budget.");
        _cacheMisses = _meter.CreateCounter<long>("consent.evaluation.cache_misses", description: "Subject lookups that waited for a projection read.");
        _storeUnavailable = _meter.CreateCounter<long>("consent.evaluation.store_unavailable", description: "Projection reads that failed or outlasted the store timeout (decisions deny with STORE_UNAVAILABLE).");
        _storeReads = _meter.CreateCounter<long>("consent.evaluation.store_reads", description: "Reads of a subject's row the cache started (concurrent misses of one subject share one).");
        _evictions = _meter.CreateCounter<long>("consent.evaluation.evictions", description: "Entries dropped because their row changed or memory was full.");
    }

    public void Decided(in Decision decision)
    {
        if (!_decisions.Enabled)
        {
            return;
        }

        var outcome = new KeyValuePair<string, object?>("decision", decision.Outcome.ToName());
        foreach (var reason in decision.Reasons)
        {
            _decisions.Add(1, outcome, new KeyValuePair<string, object?>("reason", reason.ToCode()));
        }
    }

    public void CacheHit() => _cacheHits.Add(1);

    public void CacheMiss() => _cacheMisses.Add(1);

    public void StoreUnavailable() => _storeUnavailable.Add(1);

    public void StoreRead() => _storeReads.Add(1);

    public void Evicted() => _evictions.Add(1);

    /// <summary>Reports <c>consent.evaluation.changes_lag</c>: how far behind the cache's knowledge of changes is.</summary>
    public void ObserveChangesLag(Func<double> seconds) =>
        _meter.CreateObservableGauge("consent.evaluation.changes_lag", seconds, unit: "s", description: "Time since the decision cache last knew every change (the change log watch or the self-host's projection); beyond the decision budget, entries are no longer trusted.");

    public void Dispose() => _meter.Dispose();
}
