using ConsentGateway.Contracts;

namespace ConsentGateway.Client;

/// <summary>
/// The gateway's answer. When the gateway could not be asked, or refused the question, every
/// requested item is denied with <see cref="GatewayUnavailableReason"/> (fail closed).
/// </summary>
public sealed record ConsentResult
{
    public const string GatewayUnavailableReason = ReasonCodes.GatewayUnavailable;

    /// <summary><c>allow</c>, <c>partial</c> or <c>deny</c> (<see cref="Decisions"/>).</summary>
    public required string Decision { get; init; }

    public required IReadOnlyList<string> Allowed { get; init; }

    public required IReadOnlyList<ConsentDenial> Denied { get; init; }

    public required IReadOnlyList<string> Reasons { get; init; }

    public string? Partnership { get; init; }

    public string? PolicyVersion { get; init; }

    public long? ConsentVersion { get; init; }

    public Guid? DecisionId { get; init; }

    public int TtlSeconds { get; init; }

    public string? Id { get; init; }

    /// <summary>
    /// Set on a fail-closed answer when the gateway refused the question as invalid (4xx), rather
    /// than being unreachable: the question (or the key) is wrong, not the gateway down.
    /// </summary>
    public GatewayRefusal? GatewayRefusal { get; init; }

    /// <summary>True when this is the fail-closed answer: the gateway gave no decision (see <see cref="GatewayRefusal"/> for whether it refused).</summary>
    public bool IsGatewayUnavailable =>
        Reasons.Count == 1 && string.Equals(Reasons[0], GatewayUnavailableReason, StringComparison.Ordinal);

    public bool IsAllowed(string data) => Allowed.Contains(data, StringComparer.Ordinal);

    /// <summary>The fail-closed answer: every requested item denied with <c>GATEWAY_UNAVAILABLE</c>.</summary>
    public static ConsentResult Unavailable(ConsentQuestion question)
    {
        ArgumentNullException.ThrowIfNull(question);
        var data = question.Data ?? [];
        return new ConsentResult
        {
            Decision = Decisions.Deny,
            Allowed = [],
            Denied = [.. data.Distinct(StringComparer.Ordinal).Select(item => new ConsentDenial(item, GatewayUnavailableReason))],
            Reasons = [GatewayUnavailableReason],
            TtlSeconds = 0,
            Id = question.Id,
        };
    }

    /// <summary>The fail-closed answer to a question the gateway refused: <see cref="Unavailable"/> with the refusal.</summary>
    public static ConsentResult Refused(ConsentQuestion question, GatewayRefusal refusal) =>
        Unavailable(question) with { GatewayRefusal = refusal };
}
