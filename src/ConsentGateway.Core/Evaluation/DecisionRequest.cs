using ConsentGateway.Core.Policy;

namespace ConsentGateway.Core.Evaluation;

/// <summary>One question of an egress proxy, resolved against the policy.</summary>
/// <param name="Partner">The final recipient.</param>
/// <param name="Via">The processor the data goes through, or <see cref="PartnerRef.None"/>.</param>
/// <param name="Data">The requested data items.</param>
/// <param name="Country">Where the request comes from; used only for a device with no account.</param>
public readonly record struct DecisionRequest(PartnerRef Partner, PartnerRef Via, DataSet Data, CountryCode Country);
