using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ConsentGateway.Bicep.Tests;

/// <summary>infra/main.bicep compiled once, with every resource of every nested deployment.</summary>
internal static partial class CompiledTemplate
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

    /// <summary>
    /// The Function App's app settings written out in the template, name to (template, value
    /// expression). The site's <c>appSettings</c> is a literal array, or <c>concat</c> of variables:
    /// a variable holding a literal array gives its settings here; one computed from parameters
    /// (the proxies') is named by <see cref="ComputedAppSettingVariables"/>, and what it gives is
    /// seen only by evaluating the template (<see cref="Bicep.Snapshot"/>).
    /// </summary>
    public static IReadOnlyDictionary<string, (ArmTemplate Template, JsonNode? Value)> AppSettings()
    {
        var (template, literal, _) = AppSettingParts();
        var result = new Dictionary<string, (ArmTemplate, JsonNode?)>(StringComparer.OrdinalIgnoreCase);
        foreach (var setting in literal)
        {
            var name = setting["name"]?.ToString();
            Assert.False(string.IsNullOrEmpty(name), "An app setting has no literal name.");
            Assert.True(result.TryAdd(name, (template, setting["value"])), $"App setting {name} is set twice.");
        }

        return result;
    }

    /// <summary>The variables of the site's <c>appSettings</c> that are computed rather than literal arrays.</summary>
    public static IReadOnlyList<string> ComputedAppSettingVariables() => AppSettingParts().Computed;

    /// <summary>
    /// The value of an app setting as the template defaults it: a literal, a root parameter's
    /// default, or a module parameter the root fills from another module's output (topic and
    /// subscription names come from the Service Bus module, so the app listens where the template
    /// created them); <c>null</c> when it depends on the deployment.
    /// </summary>
    public static string? DefaultValue(string setting)
    {
        var settings = AppSettings();
        Assert.True(settings.TryGetValue(setting, out var entry), $"App setting {setting} is missing.");
        var (template, value) = entry;

        var resolved = template.Resolve(value);
        if (resolved.IsKnown)
        {
            return resolved.Text;
        }

        var expression = value!.GetValue<string>();
        var parameter = Regex.Match(expression, @"^\[(?:string\()?parameters\('([^']+)'\)\)?\]$");
        if (!parameter.Success)
        {
            return null;
        }

        var moduleName = template.Path[(template.Path.LastIndexOf('/') + 1)..];
        var passed = OfType("Microsoft.Resources/deployments").Select(d => d.Resource).Single(d => d["name"]?.ToString() == moduleName)["properties"]!["parameters"]![parameter.Groups[1].Value]!["value"]!.GetValue<string>();
        var output = Regex.Match(passed, @"^\[reference\(resourceId\('Microsoft\.Resources/deployments', '([^']+)'\).*\)\.outputs\.([A-Za-z]+)\.value\]$");
        if (!output.Success)
        {
            return null;
        }

        var source = Root.SelfAndNested().Single(t => t.Path == "main/" + output.Groups[1].Value);
        var sourceDeployment = OfType("Microsoft.Resources/deployments").Select(d => d.Resource).Single(d => d["name"]?.ToString() == output.Groups[1].Value);
        var outputValue = sourceDeployment["properties"]!["template"]!["outputs"]![output.Groups[2].Value]!["value"];
        // e.g. [parameters('topicName')] or the name of a resource declared from it.
        var outputText = outputValue!.GetValue<string>();
        var nameOf = Regex.Match(outputText, @"parameters\('([^']+)'\)\)?\]$");
        return source.Resolve(JsonValue.Create(nameOf.Success ? $"[parameters('{nameOf.Groups[1].Value}')]" : outputText)).Text;
    }

    private static (ArmTemplate Template, IReadOnlyList<JsonObject> Literal, IReadOnlyList<string> Computed) AppSettingParts()
    {
        var (template, site) = Single("Microsoft.Web/sites");
        var settings = site["properties"]?["siteConfig"]?["appSettings"];
        Assert.NotNull(settings);
        if (settings is JsonArray array)
        {
            return (template, [.. array.OfType<JsonObject>()], []);
        }

        var expression = settings.GetValue<string>();
        var concat = ConcatOfVariables().Match(expression);
        Assert.True(concat.Success, $"The site's appSettings is neither a literal array nor concat() of variables: {expression}");

        List<JsonObject> literal = [];
        List<string> computed = [];
        foreach (var name in concat.Groups["name"].Captures.Select(c => c.Value))
        {
            if (template.Variable(name) is JsonArray variable)
            {
                literal.AddRange(variable.OfType<JsonObject>());
            }
            else
            {
                computed.Add(name);
            }
        }

        return (template, literal, computed);
    }

    // [concat(variables('a'), variables('b'), ...)]
    [GeneratedRegex(@"^\[concat\(variables\('(?<name>[^']+)'\)(?:,\s*variables\('(?<name>[^']+)'\))*\)\]$")]
    private static partial Regex ConcatOfVariables();
}
