using ConsentGateway.Core;
using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Policy;
using ConsentGateway.Core.Propagation;
using ConsentGateway.Telemetry;

namespace ConsentGateway.Infrastructure;

/// <summary>What the gateway (self-host and Functions app alike) reports as, and what of its own it reports.</summary>
public static class GatewayTelemetry
{
    public const string ServiceName = "consent-gateway";

    public static TelemetryService Service { get; } = TelemetryService.Of(
        ServiceName,
        typeof(GatewayActivities).Assembly,
        [PropagationMetrics.MeterName, EvaluationMetrics.MeterName, PolicyMetrics.MeterName],
        [GatewayActivities.SourceName]);
}
