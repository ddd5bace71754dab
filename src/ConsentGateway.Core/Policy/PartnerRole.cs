namespace ConsentGateway.Core.Policy;

/// <summary>What a partner is to the company (SPEC §3).</summary>
public enum PartnerRole
{
    /// <summary>A third party deciding its own purposes (Google, Facebook): governed by the setting.</summary>
    Controller,

    /// <summary>An advertiser running mobile app campaigns: a third party governed by the setting.</summary>
    Advertiser,

    /// <summary>Acts on the company's behalf; not a third party, so not governed by the setting.</summary>
    Processor,
}

internal static class PartnerRoles
{
    public static bool TryParse(string? text, out PartnerRole role)
    {
        (var known, role) = text switch
        {
            "controller" => (true, PartnerRole.Controller),
            "advertiser" => (true, PartnerRole.Advertiser),
            "processor" => (true, PartnerRole.Processor),
            _ => (false, default),
        };
        return known;
    }
}
