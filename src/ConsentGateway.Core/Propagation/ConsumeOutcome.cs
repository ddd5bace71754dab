
namespace ConsentGateway.Core.Propagation;

/// <summary>What the transport should do with a delivered notice.</summary>
public enum ConsumeOutcome
{
    /// <summary>Projected: complete the message.</summary>
    Projected,

    /// <summary>Unreadable: complete it. Its intent was never cleared, so repair republishes the change.</summary>
    Malformed,
}
