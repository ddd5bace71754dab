using Microsoft.Extensions.Logging;

namespace ConsentGateway.Core.Evaluation;

/// <summary>
/// One structured event per decision, under the category <see cref="Category"/>, for audit:
/// exactly the fields of a <see cref="DecisionAuditRecord"/> (what was asked and decided, why,
/// by which proxy, under which policy and consent version, and for whom as keyed pseudonyms).
/// </summary>
public sealed partial class DecisionLog
{
    public const string Category = "ConsentGateway.Decisions";

    private readonly ILogger _logger;
    private readonly SubjectPseudonyms _pseudonyms;

    public DecisionLog(ILoggerFactory loggerFactory, SubjectPseudonyms pseudonyms)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(pseudonyms);
        _logger = loggerFactory.CreateLogger(Category);
        _pseudonyms = pseudonyms;
        if (pseudonyms.IsKeyRandom)
        {
            LogRandomHashKey(_logger);
        }
    }

    public void Write(in EvaluationQuestion question, ReadLane lane, in DecisionRecord record)
    {
        ArgumentNullException.ThrowIfNull(lane);

        // The record (hashes, item lists) costs a few microseconds: made only when the event is written.
        if (_logger.IsEnabled(LogLevel.Information))
        {
            Write(DecisionAuditRecord.Of(question, lane.Caller, record, _pseudonyms));
        }
    }

    private void Write(DecisionAuditRecord r) =>
        LogDecision(_logger, r.DecisionId, r.Decision, r.Proxy, r.Partner, r.Via, r.Partnership, r.Requested, r.Allowed, r.Denied, r.Reasons, r.PolicyVersion, r.ConsentVersion, r.UserHash, r.DeviceHash);

    [LoggerMessage(EventId = 1, EventName = "Decision", Level = LogLevel.Information,
        Message = "Decision {DecisionId}: {Decision} for {Partner} via {Via} ({Partnership}) asked by proxy {Proxy}; requested {Requested}, allowed {Allowed}, denied {Denied}; reasons {Reasons}; policy {PolicyVersion}; consent version {ConsentVersion}; user {UserHash}; device {DeviceHash}")]
    private static partial void LogDecision(
        ILogger logger, Guid decisionId, string decision, string proxy, string partner, string? via, string? partnership, string[] requested, string[] allowed, string[] denied, string[] reasons, string policyVersion, long? consentVersion, string? userHash, string? deviceHash);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "Consent:Evaluation:SubjectHashKey is not set: subject hashes in decision logs and Service Bus message ids use a random key and agree only within this process.")]
    private static partial void LogRandomHashKey(ILogger logger);
}
