namespace ConsentGateway.Core.Projection;

/// <summary><c>Consent:ChangeLog</c>: how the change log is kept and watched (docs/evaluation.md, ADR 9).</summary>
public sealed class ChangeLogOptions
{
    public const string SectionName = "Consent:ChangeLog";

    /// <summary>How often an instance that does not project every change itself reads the log (Azure; default 1 s).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long changes are kept: the longest watch outage after which a reader can still catch up (default 1 h).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The most the clocks of two writers may differ (Table Storage orders changes by the writer's
    /// clock; readers read back this far behind the newest change they saw; default 2 s).
    /// </summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromSeconds(2);
}
