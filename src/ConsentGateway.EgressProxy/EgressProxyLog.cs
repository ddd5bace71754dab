using ConsentGateway.Contracts;

namespace ConsentGateway.EgressProxy;

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

    [LoggerMessage(EventId = 4, EventName = "MisconfiguredRule", Level = LogLevel.Error,
        Message = "Route {Route}: the consent gateway refused the rule's question with {Status} {GatewayCode}; check its rule under ConsentProxy:Routes against the gateway's policy and the proxy key's partners. Refusing with 500 " + ProxyProblemCodes.MisconfiguredRule)]
    public static partial void MisconfiguredRule(ILogger logger, string route, int status, string? gatewayCode);

    [LoggerMessage(EventId = 5, EventName = "PolicyUnavailable", Level = LogLevel.Warning,
        Message = "The consent gateway at {Gateway} could not be asked for its policy (attempt {Attempt}); trying again for up to {Remaining}")]
    public static partial void PolicyUnavailable(ILogger logger, Uri? gateway, int attempt, TimeSpan remaining, Exception exception);

    [LoggerMessage(EventId = 6, EventName = "RulesChecked", Level = LogLevel.Information,
        Message = "The {RuleCount} consent rules name only partners and data items of the gateway's policy {PolicyVersion}")]
    public static partial void RulesChecked(ILogger logger, int ruleCount, string policyVersion);
}
