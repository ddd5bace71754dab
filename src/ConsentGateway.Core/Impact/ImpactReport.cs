namespace ConsentGateway.Core.Impact;

/// <summary>What switching from the policy in force to a candidate would change, over the whole projection.</summary>
/// <param name="Rows">The flips, most subjects first.</param>
public sealed record ImpactReport(string CurrentVersion, string CandidateVersion, long Accounts, long Devices, IReadOnlyList<ImpactRow> Rows);
