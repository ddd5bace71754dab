using System.Diagnostics;
using ConsentGateway.Telemetry;

namespace ConsentGateway.EgressProxy;

/// <summary>
/// What the proxy reports as (<c>service.name = consent-egress-proxy</c>): its meter and its
/// activity source, with one activity per request it enforces a rule on (<see cref="Forward"/>).
/// </summary>
internal static class EgressProxyTelemetry
{
    public const string ServiceName = "consent-egress-proxy";

    public const string SourceName = "ConsentGateway.EgressProxy";

    public const string Forward = "consent.proxy.forward";

    public const string RouteAttribute = "consent.route";

    public const string OutcomeAttribute = "consent.proxy.outcome";

    public const string CauseAttribute = "consent.proxy.cause";

    public static readonly ActivitySource Source = new(SourceName);

    public static TelemetryService Service { get; } = TelemetryService.Of(ServiceName, typeof(EgressProxyTelemetry).Assembly, [EgressProxyMetrics.MeterName], [SourceName]);
}
