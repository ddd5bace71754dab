namespace ConsentGateway.Core.Evaluation;

/// <summary><c>Consent:Evaluation</c>: how decisions read the projection.</summary>
public sealed class EvaluationOptions
{
    public const string SectionName = "Consent:Evaluation";

    /// <summary>
    /// How long a projection row read is trusted in memory, and (as <c>ttlSeconds</c>) by the
    /// proxy after it: both caches together stay within it. Default: a quarter of the staleness
    /// bound, because propagation may take up to three quarters (a lost notice is repaired
    /// after half the bound, by a timer running every quarter).
    /// </summary>
    public TimeSpan? CacheTtl { get; set; }

    /// <summary>How long a decision waits for the store before it denies with <c>STORE_UNAVAILABLE</c>.</summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Background re-reads of subjects still being asked about, at most this many at once.</summary>
    public int MaxConcurrentRefreshes { get; set; } = 32;

    /// <summary>
    /// The key of the HMAC that pseudonymises user and device ids in decision logs. Without one,
    /// a random key per process is used: hashes then correlate only within one process.
    /// </summary>
    public string? SubjectHashKey { get; set; }

    public TimeSpan EffectiveCacheTtl(TimeSpan stalenessBound) => CacheTtl ?? stalenessBound / 4;
}
