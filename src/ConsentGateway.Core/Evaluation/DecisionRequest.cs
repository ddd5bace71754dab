using ConsentGateway.Core.Policy;

namespace ConsentGateway.Core.Evaluation;

/// <summary>A partner id from a request, resolved against the policy once.</summary>
public readonly record struct PartnerRef
{
    private PartnerRef(bool given, Partner? partner)
    {
        IsGiven = given;
        Partner = partner;
    }

    public static PartnerRef None => default;

    public static PartnerRef Unknown => new(true, null);

    /// <summary>The request named a partner (known or not).</summary>
    public bool IsGiven { get; }

    /// <summary>The partner, when the request named one the policy knows.</summary>
    public Partner? Partner { get; }

    public static PartnerRef Known(Partner partner) => new(true, partner);
}

/// <summary>One question of an egress proxy, resolved against the policy.</summary>
/// <param name="Partner">The final recipient.</param>
/// <param name="Via">The processor the data goes through, or <see cref="PartnerRef.None"/>.</param>
/// <param name="Data">The requested data items.</param>
/// <param name="Country">Where the request comes from; used only for a device with no account.</param>
public readonly record struct DecisionRequest(PartnerRef Partner, PartnerRef Via, DataSet Data, CountryCode Country);
