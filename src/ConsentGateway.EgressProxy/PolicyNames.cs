using System.Text.Json;
using ConsentGateway.Contracts;

namespace ConsentGateway.EgressProxy;

/// <summary>
/// The names a consent rule may use, as the gateway's policy (<c>GET /api/v1/policy</c>) has
/// them: its data items (every <c>partnerships[].data</c> item and every <c>neverShared</c> item)
/// and its partner ids (<c>partners[].id</c>).
/// </summary>
internal sealed class PolicyNames
{
    // Members of the policy document (docs/policy.md); Contracts carries the document as plain JSON.
    private const string NeverSharedMember = "neverShared";
    private const string PartnershipsMember = "partnerships";
    private const string DataMember = "data";
    private const string PartnersMember = "partners";
    private const string IdMember = "id";

    private PolicyNames(string version, IReadOnlySet<string> dataItems, IReadOnlySet<string> partners)
    {
        Version = version;
        DataItems = dataItems;
        Partners = partners;
    }

    public string Version { get; }

    public IReadOnlySet<string> DataItems { get; }

    public IReadOnlySet<string> Partners { get; }

    public static PolicyNames Of(PolicyResponse policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var document = policy.Document;
        var dataItems = Strings(Elements(document, NeverSharedMember))
            .Concat(Elements(document, PartnershipsMember).SelectMany(partnership => Strings(Elements(partnership, DataMember))));
        var partners = Strings(Elements(document, PartnersMember).Select(partner => Member(partner, IdMember)));
        return new PolicyNames(policy.PolicyVersion, dataItems.ToHashSet(StringComparer.Ordinal), partners.ToHashSet(StringComparer.Ordinal));
    }

    // A document of another shape reads as one that names nothing: every rule is then refused, naming its settings.
    private static JsonElement[] Elements(JsonElement container, string name) =>
        Member(container, name) is { ValueKind: JsonValueKind.Array } array ? [.. array.EnumerateArray()] : [];

    private static JsonElement Member(JsonElement container, string name) =>
        container.ValueKind == JsonValueKind.Object && container.TryGetProperty(name, out var member) ? member : default;

    private static IEnumerable<string> Strings(IEnumerable<JsonElement> elements) =>
        elements.Where(element => element.ValueKind == JsonValueKind.String).Select(element => element.GetString()!);
}
