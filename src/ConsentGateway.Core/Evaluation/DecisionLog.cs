using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Core.Evaluation;

/// <summary>
/// One structured event per decision, under the category <see cref="Category"/>: what was
/// decided, why, under which policy and consent version, and for whom, as keyed hashes
/// (HMAC-SHA256 of the id, truncated to 128 bits): the same subject always gets the same hash
/// under one key, and nobody without the key can test a guessed id against it.
/// </summary>
public sealed partial class DecisionLog
{
    public const string Category = "ConsentGateway.Decisions";

    private readonly ILogger _logger;
    private readonly byte[] _hashKey;

    public DecisionLog(ILoggerFactory loggerFactory, IOptions<EvaluationOptions> options)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(options);
        _logger = loggerFactory.CreateLogger(Category);
        var key = options.Value.SubjectHashKey;
        _hashKey = key is null ? RandomNumberGenerator.GetBytes(32) : Encoding.UTF8.GetBytes(key);
        if (key is null)
        {
            LogRandomHashKey(_logger);
        }
    }

    public void Write(in EvaluationQuestion question, in DecisionRecord record)
    {
        // The hashes cost a microsecond: made only when the event is written.
        if (_logger.IsEnabled(LogLevel.Information))
        {
            var decision = record.Decision;
            var outcome = decision.Outcome.ToName();
            var partnership = decision.Partnership?.Id;
            var reasons = decision.Reasons.ToCodes();
            var userHash = Hash(question.UserId);
            var deviceHash = Hash(question.DeviceAdId);
            LogDecision(_logger, record.Id, outcome, question.PartnerId, question.ViaId, partnership, reasons, decision.PolicyVersion, decision.ConsentVersion, userHash, deviceHash);
        }
    }

    /// <summary>The pseudonym of a subject id in logs; <c>null</c> for no id.</summary>
    public string? Hash(string? id)
    {
        if (id is null)
        {
            return null;
        }

        // Valid ids are at most 128 ASCII characters; anything longer is hashed from the heap.
        var maxBytes = Encoding.UTF8.GetMaxByteCount(id.Length);
        Span<byte> bytes = maxBytes <= 512 ? stackalloc byte[maxBytes] : new byte[maxBytes];
        var length = Encoding.UTF8.GetBytes(id, bytes);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_hashKey, bytes[..length], mac);
        return Convert.ToHexStringLower(mac[..16]);
    }

    [LoggerMessage(EventId = 1, EventName = "Decision", Level = LogLevel.Information,
        Message = "Decision {DecisionId}: {Decision} for {Partner} via {Via} ({Partnership}); reasons {Reasons}; policy {PolicyVersion}; consent version {ConsentVersion}; user {UserHash}; device {DeviceHash}")]
    private static partial void LogDecision(
        ILogger logger, Guid decisionId, string decision, string partner, string? via, string? partnership, string reasons, string policyVersion, long? consentVersion, string? userHash, string? deviceHash);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "Consent:Evaluation:SubjectHashKey is not set: subject hashes in decision logs use a random key and correlate only within this process.")]
    private static partial void LogRandomHashKey(ILogger logger);
}
