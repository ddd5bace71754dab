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

    /// <summary>
    /// The consistency token a write answered (<c>consistencyToken</c>, or the header
    /// <c>X-Consent-Consistency-Token</c>): the answer then reflects at least that write, or is a
    /// deny with <c>STORE_UNAVAILABLE</c> when the gateway cannot read it fresh in time. Such a
    /// question is never answered from the cache, nor shares a call with one without the token.
    /// </summary>
    public string? AtLeastAsFresh { get; init; }
}
