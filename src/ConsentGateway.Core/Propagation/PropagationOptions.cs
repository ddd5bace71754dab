namespace ConsentGateway.Core.Propagation;

/// <summary><c>Consent:Propagation</c>.</summary>
public sealed class PropagationOptions
{
    public const string Section = "Consent:Propagation";

    /// <summary>Every evaluation reflects every accepted change within this bound (SPEC §5).</summary>
    public TimeSpan StalenessBound { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How old an intent must be before repair publishes it again (default: half the bound).</summary>
    public TimeSpan? RepairDelay { get; set; }

    /// <summary>Deliveries of one notice before it is dead-lettered (the subscription's max delivery count in Azure).</summary>
    public int MaxDeliveryCount { get; set; } = 10;

    public TimeSpan EffectiveRepairDelay => RepairDelay ?? StalenessBound / 2;

    internal IEnumerable<string> Problems()
    {
        if (StalenessBound < TimeSpan.FromMilliseconds(100) || StalenessBound > TimeSpan.FromHours(1))
        {
            yield return $"{Section}:StalenessBound must be between 100 ms and 1 h.";
        }

        if (RepairDelay is { } delay && (delay <= TimeSpan.Zero || delay > StalenessBound))
        {
            yield return $"{Section}:RepairDelay must be positive and at most the staleness bound.";
        }

        if (MaxDeliveryCount is < 1 or > 100)
        {
            yield return $"{Section}:MaxDeliveryCount must be between 1 and 100.";
        }
    }
}
