using System.Diagnostics.Metrics;

namespace ConsentGateway.EgressProxy;

/// <summary>The proxy's counters (meter <c>ConsentGateway.EgressProxy</c>).</summary>
internal sealed class EgressProxyMetrics
{
    public const string MeterName = "ConsentGateway.EgressProxy";

    private readonly Counter<long> _requests;
    private readonly Counter<long> _removedFields;

    public EgressProxyMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("consent.proxy.requests", "{request}", "Requests through the egress proxy, by route (consent.route) and outcome (consent.proxy.outcome).");
        _removedFields = meter.CreateCounter<long>("consent.proxy.removed_fields", "{field}", "Body fields removed before forwarding, by route (consent.route) and cause (consent.proxy.cause: denied, unclassified).");
    }

    public void Request(string route, EgressOutcome outcome) =>
        _requests.Add(1, new KeyValuePair<string, object?>(EgressProxyTelemetry.RouteAttribute, route), new KeyValuePair<string, object?>(EgressProxyTelemetry.OutcomeAttribute, outcome.ToString()));

    public void Removed(string route, string cause, int count)
    {
        if (count > 0)
        {
            _removedFields.Add(count, new KeyValuePair<string, object?>(EgressProxyTelemetry.RouteAttribute, route), new KeyValuePair<string, object?>(EgressProxyTelemetry.CauseAttribute, cause));
        }
    }
}
