using System.Diagnostics.Metrics;

namespace ConsentGateway.Core.Evaluation;

/// <summary>
/// The evaluation instruments: decisions by outcome and partner, their reasons, and how the
/// projection was read (cache hits, misses, reads the store could not answer in time). Units are
/// UCUM annotations (<c>{decision}</c>) as the OpenTelemetry semantic conventions use them.
/// </summary>
public sealed class EvaluationMetrics : IDisposable
{
    public const string MeterName = "ConsentGateway.Evaluation";

    private readonly Meter _meter;
    private readonly Counter<long> _decisions;
    private readonly Counter<long> _reasons;
    private readonly Counter<long> _cacheHits;
    private readonly Counter<long> _cacheMisses;
    private readonly Counter<long> _storeUnavailable;
    private readonly Counter<long> _storeReads;
    private readonly Counter<long> _evictions;

    public EvaluationMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _decisions = _meter.CreateCounter<long>("consent.decisions", "{decision}", "Decisions, one each, by outcome (consent.decision) and partner (consent.partner).");
        _reasons = _meter.CreateCounter<long>("consent.decision.reasons", "{reason}", "The reasons decisions gave, one per reason of each decision, by outcome (consent.decision) and reason (consent.reason).");
        _cacheHits = _meter.CreateCounter<long>("consent.evaluation.cache_hits", "{lookup}", "Subject lookups answered from memory within the decision budget.");
        _cacheMisses = _meter.CreateCounter<long>("consent.evaluation.cache_misses", "{lookup}", "Subject lookups that waited for a projection read.");
        _storeUnavailable = _meter.CreateCounter<long>("consent.evaluation.store_unavailable", "{read}", "Projection reads that failed or outlasted the store timeout (decisions deny with STORE_UNAVAILABLE).");
        _storeReads = _meter.CreateCounter<long>("consent.evaluation.store_reads", "{read}", "Reads of a subject's row the cache started (concurrent misses of one subject share one).");
        _evictions = _meter.CreateCounter<long>("consent.evaluation.evictions", "{entry}", "Entries dropped because their row changed or memory was full.");
    }

    public void Decided(in Decision decision)
    {
        var outcome = new KeyValuePair<string, object?>(ConsentAttributes.Decision, decision.Outcome.ToName());
        if (_decisions.Enabled)
        {
            _decisions.Add(1, outcome, new KeyValuePair<string, object?>(ConsentAttributes.Partner, decision.Partnership?.Id ?? ConsentAttributes.UnknownPartner));
        }

        if (_reasons.Enabled)
        {
            foreach (var reason in decision.Reasons)
            {
                _reasons.Add(1, outcome, new KeyValuePair<string, object?>(ConsentAttributes.Reason, reason.ToCode()));
            }
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
