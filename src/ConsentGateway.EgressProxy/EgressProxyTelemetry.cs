using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace ConsentGateway.EgressProxy;

/// <summary>What happened to a request at the proxy.</summary>
internal enum EgressOutcome
{
    /// <summary>Forwarded with its body as sent.</summary>
    Forwarded,

    /// <summary>Forwarded with fields removed (denied or unclassified).</summary>
    Redacted,

    /// <summary>Refused: nothing the request carries may go (403).</summary>
    Denied,

    /// <summary>Refused: the gateway could not be asked (503).</summary>
    GatewayUnavailable,

    /// <summary>Refused: the request itself is malformed (4xx).</summary>
    Rejected,
}

/// <summary>The proxy's counters (meter <c>ConsentGateway.EgressProxy</c>).</summary>
internal sealed class EgressProxyMetrics
{
    public const string MeterName = "ConsentGateway.EgressProxy";

    private readonly Counter<long> _requests;
    private readonly Counter<long> _removedFields;

    public EgressProxyMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("consent.proxy.requests", description: "Requests through the egress proxy, by route and outcome.");
        _removedFields = meter.CreateCounter<long>("consent.proxy.removed_fields", description: "Body fields removed before forwarding, by route and cause (denied, unclassified).");
    }

    public void Request(string route, EgressOutcome outcome) =>
        _requests.Add(1, new KeyValuePair<string, object?>("route", route), new KeyValuePair<string, object?>("outcome", outcome.ToString()));

    public void Removed(string route, string cause, int count)
    {
        if (count > 0)
        {
            _removedFields.Add(count, new KeyValuePair<string, object?>("route", route), new KeyValuePair<string, object?>("cause", cause));
        }
    }
}

/// <summary>
/// The proxy's log events. They carry the route, the decision and counts, never subject ids or
/// field paths (a body's property names are the caller's and might themselves be identifiers).
/// </summary>
internal static partial class EgressProxyLog
{
    [LoggerMessage(EventId = 1, EventName = "Forwarded", Level = LogLevel.Information,
        Message = "Route {Route}: {Decision} {DecisionId}, forwarded with {DeniedRemoved} denied and {UnclassifiedRemoved} unclassified fields removed")]
    public static partial void Forwarded(ILogger logger, string route, string decision, Guid? decisionId, int deniedRemoved, int unclassifiedRemoved);

    [LoggerMessage(EventId = 2, EventName = "Refused", Level = LogLevel.Information,
        Message = "Route {Route}: refused with {Status} {Code} (decision {DecisionId})")]
    public static partial void Refused(ILogger logger, string route, int status, string code, Guid? decisionId);

    [LoggerMessage(EventId = 3, EventName = "NoConsentRule", Level = LogLevel.Error,
        Message = "Route {Route} has no consent rule under ConsentProxy:Routes: refusing its requests")]
    public static partial void NoConsentRule(ILogger logger, string route);
}
