using System.Collections.Concurrent;
using System.Collections.Frozen;

namespace ConsentGateway.Core.Policy;

/// <summary>
/// A validated policy document compiled into lookup structures (bit sets, arrays, frozen
/// dictionaries) so that a decision does no parsing and no allocation.
/// </summary>
public sealed class CompiledPolicy
{
    private readonly uint[] _regionsByCountry;
    private readonly FrozenDictionary<string, int> _dataIndex;
    private readonly FrozenDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _dataIndexBySpan;
    private readonly ConcurrentDictionary<ulong, string> _namesBySet = new();
    private readonly FrozenDictionary<string, Partner> _partners;
    private readonly uint _regionsDefaultDisabled;
    private readonly uint _regionsDefaultEnabled;
    private readonly bool _defaultElsewhere;

    private CompiledPolicy(PolicyDocument document)
    {
        Document = document;
        Version = document.PolicyVersion!;

        var regionBits = new Dictionary<string, uint>(StringComparer.Ordinal);
        _regionsByCountry = new uint[CountryCode.PackedRange];
        foreach (var (regionId, countries) in document.Regions!)
        {
            var bit = 1u << regionBits.Count;
            regionBits.Add(regionId, bit);
            foreach (var country in countries)
            {
                _regionsByCountry[CountryCode.Parse(country).Packed] |= bit;
            }
        }

        // Canonical data order: first appearance in partnerships, then the never-shared items.
        var dataItems = new List<string>();
        var dataIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in document.Partnerships!.SelectMany(p => p.Data!).Concat(document.NeverShared!))
        {
            if (dataIndex.TryAdd(item, dataItems.Count))
            {
                dataItems.Add(item);
            }
        }

        DataItems = dataItems;
        _dataIndex = dataIndex.ToFrozenDictionary(StringComparer.Ordinal);
        _dataIndexBySpan = _dataIndex.GetAlternateLookup<ReadOnlySpan<char>>();
        NeverShared = DataSetOf(document.NeverShared!);

        RegionScope ScopeOf(string region) =>
            region == PolicyValidator.Everywhere ? new RegionScope(true, 0) : new RegionScope(false, regionBits[region]);

        var partnerships = document.Partnerships!.ToDictionary(
            p => p.Id!,
            p => new Partnership(
                p.Id!,
                ScopeOf(p.SettingScope!),
                DataSetOf(p.Data!),
                p.BeforeSignup == "allow",
                p.SignupCutoff is { } cutoff ? ScopeOf(cutoff.Region!) : default,
                p.SignupCutoff is { } c && UtcInstant.TryParse(c.Before, out var before) ? before : null),
            StringComparer.Ordinal);
        Partnerships = [.. document.Partnerships!.Select(p => partnerships[p.Id!])];

        _partners = document.Partners!.ToFrozenDictionary(
            p => p.Id!,
            p => new Partner(p.Id!, partnerships[p.Partnership!], PartnerRoles.TryParse(p.Role, out var role) ? role : default),
            StringComparer.Ordinal);

        foreach (var (region, enabled) in document.Defaults!)
        {
            if (region == PolicyValidator.Everywhere)
            {
                _defaultElsewhere = enabled;
            }
            else if (enabled)
            {
                _regionsDefaultEnabled |= regionBits[region];
            }
            else
            {
                _regionsDefaultDisabled |= regionBits[region];
            }
        }
    }

    /// <summary>The document this was compiled from.</summary>
    public PolicyDocument Document { get; }

    public string Version { get; }

    /// <summary>Every data item the policy knows, in canonical order (index = bit of <see cref="DataSet"/>).</summary>
    public IReadOnlyList<string> DataItems { get; }

    public DataSet NeverShared { get; }

    public IReadOnlyList<Partnership> Partnerships { get; }

    /// <summary>Validates and compiles a document; throws <see cref="PolicyValidationException"/> listing every problem.</summary>
    public static CompiledPolicy Compile(PolicyDocument document)
    {
        var errors = PolicyValidator.Validate(document);
        return errors.Count == 0 ? new CompiledPolicy(document) : throw new PolicyValidationException(errors);
    }

    public bool TryGetDataItem(string name, out int item) => _dataIndex.TryGetValue(name, out item);

    /// <summary>As <see cref="TryGetDataItem(string, out int)"/>, for a name inside a longer text (a header's comma list).</summary>
    public bool TryGetDataItem(ReadOnlySpan<char> name, out int item) => _dataIndexBySpan.TryGetValue(name, out item);

    /// <summary>The items' names in canonical order, comma-separated; one string per distinct set, made once.</summary>
    public string NamesOf(DataSet items) => _namesBySet.GetOrAdd(items.Bits, static (bits, policy) =>
    {
        var names = new List<string>();
        foreach (var item in new DataSet(bits))
        {
            names.Add(policy.DataItems[item]);
        }

        return string.Join(',', names);
    }, this);

    public bool TryGetPartner(string id, out Partner partner) => _partners.TryGetValue(id, out partner!);

    /// <summary>Resolves a partner id from a request: absent, unknown, or a partner of this policy.</summary>
    public PartnerRef ResolvePartner(string? id) =>
        id is null ? PartnerRef.None : TryGetPartner(id, out var partner) ? PartnerRef.Known(partner) : PartnerRef.Unknown;

    /// <summary>The regions (as bits) a country belongs to; 0 for no country or one in no region.</summary>
    public uint RegionsOf(CountryCode country) => _regionsByCountry[country.Packed];

    /// <summary>
    /// The setting an account that never touched it has: the most restrictive default of the
    /// regions its country is in, else the <c>*</c> default, else disabled.
    /// </summary>
    public bool DefaultSettingFor(CountryCode country)
    {
        var regions = RegionsOf(country);
        if ((regions & _regionsDefaultDisabled) != 0)
        {
            return false;
        }

        return (regions & _regionsDefaultEnabled) != 0 || _defaultElsewhere;
    }

    private DataSet DataSetOf(IEnumerable<string> items)
    {
        var set = DataSet.Empty;
        foreach (var item in items)
        {
            set = set.Union(DataSet.Of(_dataIndex[item]));
        }

        return set;
    }
}
