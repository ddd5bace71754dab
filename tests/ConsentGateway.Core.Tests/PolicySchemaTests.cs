using System.Text.Json;
using ConsentGateway.Core.Policy;
using ConsentGateway.Testing;
using Json.Schema;

namespace ConsentGateway.Core.Tests;

/// <summary>
/// The JSON Schema shipped beside the default document (its <c>$schema</c>) gives policy authors
/// editor validation: it accepts every document the repository ships or tests with, and rejects
/// every invalid case the validator's tests list, except those only the validator can see.
/// </summary>
public sealed class PolicySchemaTests
{
    private static readonly string PolicyFolder = Path.Combine(Repository.Root, "src", "ConsentGateway.Core", "Policy");

    private static readonly JsonSchema Schema = JsonSchema.FromFile(Path.Combine(PolicyFolder, "policy.schema.json"));

    // References between ids (a label for each item named), uniqueness of ids inside objects, assigned country codes: beyond a schema.
    private static readonly HashSet<string> OnlyTheValidatorSees =
    [
        "unknown region in a setting scope",
        "partner naming a missing partnership",
        "duplicate partner id",
        "duplicate partnership id",
        "data item both shared and never shared",
        "reserved code instead of a country",
        "default for an unknown region",
        "cut-off in an unknown region",
        "data item without a label",
    ];

    public static TheoryData<string> PolicyFiles() => [.. PolicyFilePaths()];

    public static TheoryData<string> InvalidCases() => [.. PolicyMutations.Names];

    [Fact]
    public void The_default_document_points_editors_at_the_schema_beside_it()
    {
        var document = PolicyLoader.ReadDefaultDocument();

        Assert.True(File.Exists(Path.Combine(PolicyFolder, document.Schema!)), document.Schema);
    }

    [Theory]
    [MemberData(nameof(PolicyFiles))]
    public void Every_policy_document_of_the_repository_fits_the_schema(string relativePath)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, relativePath)));

        AssertFits(json.RootElement);
        Assert.Empty(PolicyValidator.Validate(PolicyLoader.Parse(json.RootElement.GetRawText())));
    }

    [Fact]
    public void The_repository_has_the_shipped_default_among_its_policy_documents() =>
        Assert.Contains(PolicyFilePaths(), path => path.EndsWith("default-policy.json", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Each_invalid_case_is_refused_by_the_schema_unless_only_the_validator_can_see_it(string invalidCase)
    {
        using var json = JsonDocument.Parse(PolicyMutations.Apply(invalidCase));

        var fits = Evaluate(json.RootElement).IsValid;

        Assert.Equal(OnlyTheValidatorSees.Contains(invalidCase), fits);
    }

    // Every JSON file outside build output that is a policy document: an object with a policyVersion and partnerships.
    private static IEnumerable<string> PolicyFilePaths() =>
        Directory.EnumerateFiles(Repository.Root, "*.json", SearchOption.AllDirectories)
            .Where(path => !path.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "node_modules" or ".git" or ".data"))
            .Where(IsPolicyDocument)
            .Select(path => Path.GetRelativePath(Repository.Root, path));

    private static bool IsPolicyDocument(string path)
    {
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("policyVersion", out _)
                && json.RootElement.TryGetProperty("partnerships", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static EvaluationResults Evaluate(JsonElement document) =>
        Schema.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });

    private static void AssertFits(JsonElement document)
    {
        var results = Evaluate(document);
        Assert.True(results.IsValid, string.Join("; ", (results.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
    }
}
