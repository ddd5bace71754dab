using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ConsentGateway.Core.Policy;

/// <summary>Reads policy documents from JSON and compiles them; the shipped default is embedded.</summary>
public static class PolicyLoader
{
    private const string DefaultResource = "ConsentGateway.Core.default-policy.json";

    public static CompiledPolicy LoadDefault() => CompiledPolicy.Compile(ReadDefaultDocument());

    /// <summary>Loads <paramref name="path"/> when given, else the shipped default.</summary>
    public static CompiledPolicy Load(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return LoadDefault();
        }

        using var stream = File.OpenRead(path);
        return CompiledPolicy.Compile(Parse(stream));
    }

    public static PolicyDocument ReadDefaultDocument()
    {
        using var stream = typeof(PolicyLoader).Assembly.GetManifestResourceStream(DefaultResource)
            ?? throw new InvalidOperationException($"The embedded resource {DefaultResource} is missing.");
        return Parse(stream);
    }

    /// <summary>Parses JSON strictly: unknown or duplicate properties and wrong types are errors naming their path.</summary>
    public static PolicyDocument Parse(Stream json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, PolicyJsonContext.Default.PolicyDocument)
                ?? throw new PolicyValidationException(["$: the document is null"]);
        }
        catch (JsonException ex)
        {
            throw new PolicyValidationException([$"{ex.Path ?? "$"}: {ex.Message}"]);
        }
    }

    public static PolicyDocument Parse(string json)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
        return Parse(stream);
    }

    public static string Serialize(PolicyDocument document) =>
        JsonSerializer.Serialize(document, DocumentTypeInfo);

    /// <summary>How a document is read and written, for callers that write it into a larger JSON answer.</summary>
    public static JsonTypeInfo<PolicyDocument> DocumentTypeInfo => PolicyJsonContext.Default.PolicyDocument;
}
