namespace ConsentGateway.Core.Policy;

/// <summary>Where a rule applies: everywhere, or in a set of regions (as bits).</summary>
public readonly record struct RegionScope(bool Everywhere, uint Regions)
{
    public bool Contains(uint countryRegions) => Everywhere || (Regions & countryRegions) != 0;
}
