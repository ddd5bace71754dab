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
