using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ConsentGateway.Bicep.Tests;

/// <summary>
/// One template of the compiled deployment: the root one or a nested deployment's (a Bicep
/// module). Resolves the simple references Bicep emits for plain values (parameters('x'),
/// variables('x'), string(...) of those) through the nested deployments' parameters up to the
/// root template's defaults.
/// </summary>
internal sealed partial class ArmTemplate
{
    private readonly JsonObject _template;
    private readonly ArmTemplate? _parent;
    private readonly JsonObject? _passedParameters;

    private ArmTemplate(JsonObject template, ArmTemplate? parent, JsonObject? passedParameters, string path)
    {
        _template = template;
        _parent = parent;
        _passedParameters = passedParameters;
        Path = path;
    }

    /// <summary>Where the template sits: "main", "main/storage", ….</summary>
    public string Path { get; }

    public static ArmTemplate Root(JsonObject template) => new(template, null, null, "main");

    /// <summary>This template and every nested deployment's template, recursively.</summary>
    public IEnumerable<ArmTemplate> SelfAndNested()
    {
        yield return this;
        foreach (var resource in OwnResources())
        {
            if (resource["properties"]?["template"] is JsonObject nested)
            {
                var name = resource["name"]?.ToString() ?? "?";
                var child = new ArmTemplate(nested, this, resource["properties"]?["parameters"] as JsonObject, $"{Path}/{name}");
                foreach (var template in child.SelfAndNested())
                {
                    yield return template;
                }
            }
        }
    }

    /// <summary>The declared value of a variable of this template (a copy-loop variable has none).</summary>
    public JsonNode? Variable(string name) => _template["variables"]?[name];

    /// <summary>The resources of this template, including child resources declared inside others (not those of nested templates).</summary>
    public IEnumerable<JsonObject> OwnResources() => Flatten(_template["resources"]);

    private static IEnumerable<JsonObject> Flatten(JsonNode? resources)
    {
        // languageVersion 2.0 templates key resources by symbolic name.
        IEnumerable<JsonNode?> items = resources switch
        {
            JsonArray array => array,
            JsonObject symbolic => symbolic.Select(pair => pair.Value),
            _ => [],
        };
        foreach (var item in items.OfType<JsonObject>())
        {
            yield return item;
            foreach (var child in Flatten(item["resources"]))
            {
                yield return child;
            }
        }
    }

    /// <summary>
    /// The value of a template expression if it is a literal or a plain reference chain ending in a
    /// literal or in a root parameter's default; <see cref="Resolved.RootParameter"/> names that parameter.
    /// </summary>
    public Resolved Resolve(JsonNode? node)
    {
        if (node is not JsonValue value || !value.TryGetValue<string>(out var text) || !text.StartsWith('[') || text.StartsWith("[[", StringComparison.Ordinal))
        {
            return new Resolved(node?.DeepClone(), null, true);
        }

        var expression = text[1..^1].Trim();
        if (StringOf().Match(expression) is { Success: true } stringOf)
        {
            var inner = Resolve(JsonValue.Create($"[{stringOf.Groups[1].Value}]"));
            return inner with { Value = inner.Value is null ? null : JsonValue.Create(inner.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : inner.Value.ToJsonString()) };
        }

        if (Reference().Match(expression) is { Success: true } reference)
        {
            var name = reference.Groups[2].Value;
            if (reference.Groups[1].Value == "variables")
            {
                return _template["variables"]?[name] is { } variable ? Resolve(variable) : Unresolved;
            }

            if (_passedParameters?[name] is JsonObject passed && passed.TryGetPropertyValue("value", out var passedValue))
            {
                return _parent!.Resolve(passedValue);
            }

            if (_parent is null && _template["parameters"]?[name] is JsonObject declared)
            {
                return new Resolved(declared["defaultValue"]?.DeepClone(), name, declared.ContainsKey("defaultValue"));
            }

            return _template["parameters"]?[name]?["defaultValue"] is { } defaultValue ? Resolve(defaultValue) : Unresolved;
        }

        return Unresolved;
    }

    private static Resolved Unresolved => new(null, null, false);

    [GeneratedRegex(@"^string\((.+)\)$")]
    private static partial Regex StringOf();

    [GeneratedRegex(@"^(parameters|variables)\('([^']+)'\)$")]
    private static partial Regex Reference();
}

/// <summary>A resolved value; <see cref="RootParameter"/> is the root template parameter it came from, if any.</summary>
internal sealed record Resolved(JsonNode? Value, string? RootParameter, bool IsKnown)
{
    public string? Text => Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : Value?.ToJsonString();
}
