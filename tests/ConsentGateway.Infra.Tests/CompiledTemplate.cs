using System.Text.Json.Nodes;

namespace ConsentGateway.Infra.Tests;

/// <summary>infra/main.bicep compiled once, with every resource of every nested deployment.</summary>
internal static class CompiledTemplate
{
    private static readonly Lazy<JsonObject> Compiled = new(Bicep.CompileMain);

    public static JsonObject Json => Compiled.Value;

    public static string Text => Json.ToJsonString();

    public static ArmTemplate Root => ArmTemplate.Root(Json);

    /// <summary>Every resource in the deployment, with the template that declares it.</summary>
    public static IReadOnlyList<(ArmTemplate Template, JsonObject Resource)> Resources() =>
        [.. Root.SelfAndNested().SelectMany(template => template.OwnResources().Select(resource => (template, resource)))];

    public static IReadOnlyList<(ArmTemplate Template, JsonObject Resource)> OfType(string type) =>
        [.. Resources().Where(r => string.Equals(r.Resource["type"]?.ToString(), type, StringComparison.OrdinalIgnoreCase))];

    public static (ArmTemplate Template, JsonObject Resource) Single(string type)
    {
        var found = OfType(type);
        Assert.True(found.Count == 1, $"Expected exactly one {type}, found {found.Count}.");
        return found[0];
    }

    /// <summary>The Function App's app settings, name to (template, value expression).</summary>
    public static IReadOnlyDictionary<string, (ArmTemplate Template, JsonNode? Value)> AppSettings()
    {
        var (template, site) = Single("Microsoft.Web/sites");
        var settings = site["properties"]?["siteConfig"]?["appSettings"] as JsonArray;
        Assert.NotNull(settings);
        var result = new Dictionary<string, (ArmTemplate, JsonNode?)>(StringComparer.OrdinalIgnoreCase);
        foreach (var setting in settings.OfType<JsonObject>())
        {
            var name = setting["name"]?.ToString();
            Assert.False(string.IsNullOrEmpty(name), "An app setting has no literal name.");
            Assert.True(result.TryAdd(name, (template, setting["value"])), $"App setting {name} is set twice.");
        }

        return result;
    }
}
