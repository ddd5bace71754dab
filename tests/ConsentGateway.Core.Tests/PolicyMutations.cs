using System.Text.Json.Nodes;
using ConsentGateway.Core.Policy;

namespace ConsentGateway.Core.Tests;

/// <summary>Invalid policy documents, each the shipped default with one thing wrong, by what is wrong.</summary>
internal static class PolicyMutations
{
    public static JsonNode DefaultJson() => JsonNode.Parse(PolicyLoader.Serialize(PolicyLoader.ReadDefaultDocument()))!;

    public static string Apply(string name) => Mutations[name](DefaultJson()).ToJsonString();

    public static IEnumerable<string> Names => Mutations.Keys;

    private static JsonNode Partner(JsonNode doc, int i) => doc["partners"]![i]!;

    private static JsonNode Partnership(JsonNode doc, int i) => doc["partnerships"]![i]!;

    private static readonly Dictionary<string, Func<JsonNode, JsonNode>> Mutations = new()
    {
        ["unknown region in a setting scope"] = d => Set(Partnership(d, 1), "settingScope", "EEA", d),
        ["partner naming a missing partnership"] = d => Set(Partner(d, 0), "partnership", "ads", d),
        ["duplicate partner id"] = d => Set(Partner(d, 1), "id", "google", d),
        ["duplicate partnership id"] = d => Rename(d, 1, "ad-platforms"),
        ["data item both shared and never shared"] = d => Add(Partnership(d, 0)["data"]!, "email", d),
        ["date that is not a date"] = d => Set(Partnership(d, 0)["signupCutoff"]!, "before", "2020-13-45T00:00:00Z", d),
        ["date without a UTC designator"] = d => Set(Partnership(d, 0)["signupCutoff"]!, "before", "2020-04-06T00:00:00", d),
        ["date in another offset"] = d => Set(Partnership(d, 0)["signupCutoff"]!, "before", "2020-04-06T00:00:00+02:00", d),
        ["unknown role"] = d => Set(Partner(d, 1), "role", "owner", d),
        ["missing role"] = d => Remove(Partner(d, 1), "role", d),
        ["missing policy version"] = d => Remove(d, "policyVersion", d),
        ["policy version a notice version cannot carry"] = d => Set(d, "policyVersion", "2020 04/06", d),
        ["reserved code instead of a country"] = d => Add(d["regions"]!["EEA_UK"]!, "UK", d),
        ["lower-case country"] = d => SetItem(d["regions"]!["EEA_UK"]!, 0, "at", d),
        ["country listed twice"] = d => Add(d["regions"]!["EEA_UK"]!, "DE", d),
        ["region with no country"] = d => Set(d["regions"]!, "EMPTY", new JsonArray(), d),
        ["default for an unknown region"] = d => Set(d["defaults"]!, "EU", true, d),
        ["cut-off in an unknown region"] = d => Set(Partnership(d, 0)["signupCutoff"]!, "region", "EU", d),
        ["before-signup rule that is neither allow nor deny"] = d => Set(Partnership(d, 1), "beforeSignup", "maybe", d),
        ["partnership with no data"] = d => Set(Partnership(d, 1), "data", new JsonArray(), d),
        ["data item listed twice"] = d => Add(Partnership(d, 0)["data"]!, "ip_address", d, index: 1),
        ["never-shared item listed twice"] = d => Add(d["neverShared"]!, "email", d),
        ["id with a space"] = d => Set(Partner(d, 0), "id", "goo gle", d),
        ["no partnerships"] = d => Set(Set(d, "partnerships", new JsonArray(), d), "partners", new JsonArray(), d),
        ["missing defaults"] = d => Remove(d, "defaults", d),
        ["missing partners"] = d => Remove(d, "partners", d),
        ["unknown top-level property"] = d => Set(d, "extra", 1, d),
        ["unknown property in a partner"] = d => Set(Partner(d, 0), "name", "Google", d),
        ["unknown property in a cut-off"] = d => Set(Partnership(d, 0)["signupCutoff"]!, "after", "2020-01-01T00:00:00Z", d),
        ["number where a list of countries belongs"] = d => Set(d["regions"]!, "EEA_UK", 5, d),
        ["string where a default belongs"] = d => Set(d["defaults"]!, "EEA_UK", "no", d),
        ["partnership without an English title"] = d => Set(Partnership(d, 0), "title", new JsonObject { ["de"] = "Werbeplattformen" }, d),
        ["partnership without a description"] = d => Remove(Partnership(d, 1), "description", d),
        ["partner without a display name"] = d => Remove(Partner(d, 0), "displayName", d),
        ["data item without a label"] = d => Remove(d["dataItems"]!, "browser_id", d),
        ["blank label"] = d => Set(d["dataItems"]!["email"]!["label"]!, "en", " ", d),
        ["text in a language that is not a language tag"] = d => Set(Partnership(d, 0)["title"]!, "English", "Ad platforms", d),
        ["privacy policy link that is not https"] = d => Set(Partner(d, 1), "privacyPolicyUrl", "http://example.com/privacy", d),
    };

    private static JsonNode Set(JsonNode target, string property, JsonNode? value, JsonNode document)
    {
        target[property] = value;
        return document;
    }

    private static JsonNode Remove(JsonNode target, string property, JsonNode document)
    {
        target.AsObject().Remove(property);
        return document;
    }

    private static JsonNode Add(JsonNode array, string value, JsonNode document, int? index = null)
    {
        array.AsArray().Insert(index ?? array.AsArray().Count, value);
        return document;
    }

    private static JsonNode SetItem(JsonNode array, int index, string value, JsonNode document)
    {
        array[index] = value;
        return document;
    }

    // A second partnership with the first one's id, and the partners re-pointed so only the duplicate is wrong.
    private static JsonNode Rename(JsonNode document, int partnershipIndex, string id)
    {
        var old = Partnership(document, partnershipIndex)["id"]!.GetValue<string>();
        Partnership(document, partnershipIndex)["id"] = id;
        foreach (var partner in document["partners"]!.AsArray())
        {
            if (partner!["partnership"]!.GetValue<string>() == old)
            {
                partner["partnership"] = id;
            }
        }

        return document;
    }
}
