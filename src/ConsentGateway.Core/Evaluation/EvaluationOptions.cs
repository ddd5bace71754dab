namespace ConsentGateway.Core.Evaluation;

/// <summary><c>Consent:Evaluation</c>: how decisions read the projection.</summary>
public sealed class EvaluationOptions
{
    public const string SectionName = "Consent:Evaluation";

    /// <summary>
    /// How far behind the projection a decision may be: the gateway's lag in following the change
    /// log plus a proxy's reuse of the answer (<c>ttlSeconds</c>). Default: a quarter of the
    /// staleness bound, because propagation may take up to three quarters (a lost notice is
    /// repaired after half the bound, by a timer running every quarter). ADR 9.
    /// </summary>
    public TimeSpan? DecisionBudget { get; set; }

    /// <summary>How long a decision waits for the store (a free read slot included) before it denies with <c>STORE_UNAVAILABLE</c>.</summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Store reads of subjects not in memory one caller may have running at once, per lane (a proxy's single decisions, its batches).</summary>
    public int MaxReadsPerLane { get; set; } = 16;

    /// <summary>Accounts held in memory at most, and as many devices; the least recently used go first beyond it.</summary>
    public int MaxCachedSubjects { get; set; } = 1_000_000;

    /// <summary>
    /// The key of the HMAC that pseudonymises user and device ids in decision logs. Without one,
    /// a random key per process is used: hashes then correlate only within one process.
    /// </summary>
    public string? SubjectHashKey { get; set; }

    public TimeSpan EffectiveDecisionBudget(TimeSpan stalenessBound) => DecisionBudget ?? stalenessBound / 4;
}
