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

    public EvaluationMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _decisions = _meter.CreateCounter<long>("consent.decisions", description: "Decisions, once per reason they give, tagged with the outcome and the reason.");
        _cacheHits = _meter.CreateCounter<long>("consent.evaluation.cache_hits", description: "Subject lookups answered from memory within the cache TTL.");
        _cacheMisses = _meter.CreateCounter<long>("consent.evaluation.cache_misses", description: "Subject lookups that waited for a projection read.");
        _storeUnavailable = _meter.CreateCounter<long>("consent.evaluation.store_unavailable", description: "Projection reads that failed or outlasted the store timeout (decisions deny with STORE_UNAVAILABLE).");
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

    public void Dispose() => _meter.Dispose();
}
