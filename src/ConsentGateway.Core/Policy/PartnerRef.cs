
namespace ConsentGateway.Core.Policy;

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
