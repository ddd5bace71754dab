using System.Diagnostics;

namespace ConsentGateway.Core;

/// <summary>
/// The gateway's traces (activity source <see cref="SourceName"/>): one activity per decision,
/// projection, repair pass and change-log poll. Without a listener (no exporter) starting one
/// returns <c>null</c> and costs a check.
/// </summary>
public static class GatewayActivities
{
    public const string SourceName = "ConsentGateway";

    public const string Decide = "consent.decide";

    public const string DecideBatch = "consent.decide_batch";

    public const string Project = "consent.project";

    public const string Repair = "consent.repair";

    public const string Watch = "consent.watch";

    internal static readonly ActivitySource Source = new(SourceName);
}
