namespace ConsentGateway.Client;

/// <summary>
/// One question to the gateway: may these data items about this user or device go to this partner?
/// At least one of <see cref="UserId"/> and <see cref="DeviceAdId"/> is needed.
/// </summary>
public sealed record ConsentQuestion
{
    public required string Partner { get; init; }

    public string? Via { get; init; }

    public string? UserId { get; init; }

    public string? DeviceAdId { get; init; }

    public required IReadOnlyList<string> Data { get; init; }

    /// <summary>Only matters for a device with no account.</summary>
    public string? Country { get; init; }

    /// <summary>The caller's own correlation id, echoed on the result.</summary>
    public string? Id { get; init; }
}

/// <summary>One data item that may not go, and why.</summary>
public sealed record ConsentDenial(string Data, string Reason);

/// <summary>
/// The gateway's answer. When the gateway could not be asked, every requested item is denied with
/// <see cref="ConsentResult.GatewayUnavailableReason"/> (fail closed).
/// </summary>
public sealed record ConsentResult
{
    public const string GatewayUnavailableReason = "GATEWAY_UNAVAILABLE";

    /// <summary><c>allow</c>, <c>partial</c> or <c>deny</c>.</summary>
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

    /// <summary>True when this is the fail-closed answer given because the gateway could not be asked.</summary>
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
            Decision = "deny",
            Allowed = [],
            Denied = [.. data.Distinct(StringComparer.Ordinal).Select(item => new ConsentDenial(item, GatewayUnavailableReason))],
            Reasons = [GatewayUnavailableReason],
            TtlSeconds = 0,
            Id = question.Id,
        };
    }
}
