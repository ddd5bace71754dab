using ConsentGateway.Contracts;
namespace ConsentGateway.Core.Policy;

/// <summary>
/// Checks a <see cref="PolicyDocument"/> completely and reports every problem, each prefixed
/// with the JSON path of the field at fault (<c>partners[2].partnership</c>).
/// </summary>
public static class PolicyValidator
{
    public const string Everywhere = "*";
    public const int MaxDataItems = 64;
    public const int MaxRegions = 32;
    private const int MaxIdLength = 64;

    public static IReadOnlyList<string> Validate(PolicyDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var errors = new List<string>();

        if (string.IsNullOrWhiteSpace(document.PolicyVersion))
        {
            errors.Add("policyVersion: is required");
        }
        else if (!NoticeVersions.IsValid(document.PolicyVersion))
        {
            // The version is also the notice version of the texts, which clients pass back with a change.
            errors.Add($"policyVersion: '{document.PolicyVersion}' must be {NoticeVersions.Rule}");
        }

        var regionIds = ValidateRegions(document.Regions, errors);
        var neverShared = ValidateNeverShared(document.NeverShared, errors);
        ValidateDefaults(document.Defaults, regionIds, errors);
        var partnershipIds = ValidatePartnerships(document.Partnerships, regionIds, neverShared, errors);
        ValidatePartners(document.Partners, partnershipIds, errors);
        PolicyTextsValidator.Validate(document, errors);

        return errors;
    }

    private static HashSet<string> ValidateRegions(IReadOnlyDictionary<string, IReadOnlyList<string>>? regions, List<string> errors)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (regions is null)
        {
            errors.Add("regions: is required");
            return ids;
        }

        if (regions.Count > MaxRegions)
        {
            errors.Add($"regions: at most {MaxRegions} regions are supported");
        }

        foreach (var (id, countries) in regions)
        {
            var path = $"regions.{id}";
            if (!IsValidId(id))
            {
                errors.Add($"{path}: '{id}' is not a valid region id (1-{MaxIdLength} letters, digits, '_', '-', '.')");
                continue;
            }

            ids.Add(id);
            if (countries is null || countries.Count == 0)
            {
                errors.Add($"{path}: must list at least one country");
                continue;
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < countries.Count; i++)
            {
                var code = countries[i];
                if (!CountryCode.TryParse(code, out _))
                {
                    errors.Add($"{path}[{i}]: '{code}' is not an assigned ISO 3166-1 alpha-2 code");
                }
                else if (!seen.Add(code))
                {
                    errors.Add($"{path}[{i}]: '{code}' is listed twice");
                }
            }
        }

        return ids;
    }

    private static HashSet<string> ValidateNeverShared(IReadOnlyList<string>? neverShared, List<string> errors)
    {
        var items = new HashSet<string>(StringComparer.Ordinal);
        if (neverShared is null)
        {
            errors.Add("neverShared: is required (it may be empty)");
            return items;
        }

        ValidateIdList("neverShared", neverShared, "data item", items, errors);
        return items;
    }

    private static void ValidateDefaults(IReadOnlyDictionary<string, bool>? defaults, HashSet<string> regionIds, List<string> errors)
    {
        if (defaults is null)
        {
            errors.Add("defaults: is required");
            return;
        }

        foreach (var key in defaults.Keys)
        {
            if (key != Everywhere && !regionIds.Contains(key))
            {
                errors.Add($"defaults.{key}: '{key}' is not a region id or '*'");
            }
        }
    }

    private static HashSet<string> ValidatePartnerships(
        IReadOnlyList<PartnershipDocument>? partnerships, HashSet<string> regionIds, HashSet<string> neverShared, List<string> errors)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (partnerships is null || partnerships.Count == 0)
        {
            errors.Add("partnerships: must list at least one partnership");
            return ids;
        }

        var allData = new HashSet<string>(neverShared, StringComparer.Ordinal);
        for (var i = 0; i < partnerships.Count; i++)
        {
            var path = $"partnerships[{i}]";
            var partnership = partnerships[i];
            if (partnership is null)
            {
                errors.Add($"{path}: must be an object");
                continue;
            }

            ValidateUniqueId($"{path}.id", partnership.Id, "partnership", ids, errors);
            ValidateRegionReference($"{path}.settingScope", partnership.SettingScope, regionIds, errors);

            if (partnership.Data is null || partnership.Data.Count == 0)
            {
                errors.Add($"{path}.data: must list at least one data item");
            }
            else
            {
                var data = new HashSet<string>(StringComparer.Ordinal);
                ValidateIdList($"{path}.data", partnership.Data, "data item", data, errors);
                for (var j = 0; j < partnership.Data.Count; j++)
                {
                    var item = partnership.Data[j];
                    if (neverShared.Contains(item))
                    {
                        errors.Add($"{path}.data[{j}]: '{item}' is also in neverShared");
                    }
                }

                allData.UnionWith(data);
            }

            if (partnership.BeforeSignup is not ("allow" or "deny"))
            {
                errors.Add($"{path}.beforeSignup: must be 'allow' or 'deny', not '{partnership.BeforeSignup}'");
            }

            if (partnership.SignupCutoff is { } cutoff)
            {
                ValidateRegionReference($"{path}.signupCutoff.region", cutoff.Region, regionIds, errors);
                if (!UtcInstant.TryParse(cutoff.Before, out _))
                {
                    errors.Add($"{path}.signupCutoff.before: '{cutoff.Before}' is not an ISO 8601 UTC instant (e.g. 2020-04-06T00:00:00Z)");
                }
            }
        }

        if (allData.Count > MaxDataItems)
        {
            errors.Add($"partnerships: at most {MaxDataItems} distinct data items (with neverShared) are supported, found {allData.Count}");
        }

        return ids;
    }

    private static void ValidatePartners(IReadOnlyList<PartnerDocument>? partners, HashSet<string> partnershipIds, List<string> errors)
    {
        if (partners is null)
        {
            errors.Add("partners: is required (it may be empty)");
            return;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < partners.Count; i++)
        {
            var path = $"partners[{i}]";
            var partner = partners[i];
            if (partner is null)
            {
                errors.Add($"{path}: must be an object");
                continue;
            }

            ValidateUniqueId($"{path}.id", partner.Id, "partner", ids, errors);
            if (partner.Partnership is null || !partnershipIds.Contains(partner.Partnership))
            {
                errors.Add($"{path}.partnership: '{partner.Partnership}' names no partnership of this document");
            }

            if (!PartnerRoles.TryParse(partner.Role, out _))
            {
                errors.Add($"{path}.role: must be 'controller', 'advertiser' or 'processor', not '{partner.Role}'");
            }
        }
    }

    private static void ValidateIdList(string path, IReadOnlyList<string> values, string what, HashSet<string> seen, List<string> errors)
    {
        for (var i = 0; i < values.Count; i++)
        {
            ValidateUniqueId($"{path}[{i}]", values[i], what, seen, errors);
        }
    }

    private static void ValidateUniqueId(string path, string? id, string what, HashSet<string> seen, List<string> errors)
    {
        if (id is null || !IsValidId(id))
        {
            errors.Add($"{path}: '{id}' is not a valid {what} id (1-{MaxIdLength} letters, digits, '_', '-', '.')");
        }
        else if (!seen.Add(id))
        {
            errors.Add($"{path}: duplicate {what} id '{id}'");
        }
    }

    private static void ValidateRegionReference(string path, string? region, HashSet<string> regionIds, List<string> errors)
    {
        if (region != Everywhere && (region is null || !regionIds.Contains(region)))
        {
            errors.Add($"{path}: '{region}' is not a region id or '*'");
        }
    }

    internal static bool IsValidId(string id)
    {
        if (id.Length is 0 or > MaxIdLength || !char.IsAsciiLetterOrDigit(id[0]))
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
