namespace ConsentGateway.Core.Impact;

/// <summary>How one answer differs between the policy in force and a candidate.</summary>
public enum ImpactChange
{
    AllowToDeny,
    DenyToAllow,

    /// <summary>The same answer for another reason (e.g. denied before by the cut-off, now by the setting).</summary>
    ReasonChange,
}
