using System.Text.Json.Nodes;
using ConsentGateway.Core.Policy;

namespace ConsentGateway.Testing;

/// <summary>Policy documents to publish in tests of the hot switch.</summary>
public static class PolicyDocuments
{
    /// <summary>The version of the shipped document (the policy in force at start).</summary>
    public static string ShippedVersion => PolicyLoader.LoadDefault().Version;

    /// <summary>The shipped document under another <paramref name="version"/>: valid, and a new document when the version is new.</summary>
    public static string WithVersion(string version)
    {
        var document = JsonNode.Parse(PolicyLoader.Serialize(PolicyLoader.ReadDefaultDocument()))!;
        document["policyVersion"] = version;
        return document.ToJsonString();
    }

    /// <summary>A new version whose first partner belongs to a partnership the document does not define: refused by the validator.</summary>
    public static string InvalidWithVersion(string version)
    {
        var document = JsonNode.Parse(WithVersion(version))!;
        document["partners"]![0]!["partnership"] = "no-such-partnership";
        return document.ToJsonString();
    }
}
