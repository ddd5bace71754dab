namespace ConsentGateway.Core.Propagation;

/// <summary><c>Consent:Propagation</c>.</summary>
public sealed class PropagationOptions
{
    public const string SectionName = "Consent:Propagation";

    /// <summary>Every evaluation reflects every accepted change within this bound (SPEC §5).</summary>
    public TimeSpan StalenessBound { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How old an intent must be before repair publishes it again (default: half the bound).</summary>
    public TimeSpan? RepairDelay { get; set; }

    /// <summary>Deliveries of one notice before it is dead-lettered (the subscription's max delivery count in Azure).</summary>
    public int MaxDeliveryCount { get; set; } = 10;

    /// <summary>
    /// The self-host's projection workers: notices of different subjects projected at once
    /// (default: four per core, at least 8 and at most 64; a projection mostly waits on the store).
    /// </summary>
    public int? Workers { get; set; }

    public TimeSpan EffectiveRepairDelay => RepairDelay ?? StalenessBound / 2;

    public int EffectiveWorkers => Workers ?? Math.Clamp(4 * Environment.ProcessorCount, 8, 64);
}
