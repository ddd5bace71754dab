using System.Text.Json;
using System.Text.Json.Serialization;
using ConsentGateway.Core.Policy;
using ConsentGateway.Testing;

namespace ConsentGateway.Server.Tests.Evaluation;

/// <summary>
/// The Core evaluation table (tests/cases/evaluation-cases.json): expectations written from the
/// rules, not from the code. Read here with this project's own records (the Core test project is
/// not referenced), from the repository, so nothing has to be copied to this project's output.
/// </summary>
public sealed record EvaluationTable(IReadOnlyList<PartnerDocument> ExtraPartners, IReadOnlyList<TableCase> Cases)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static string FilePath { get; } = Path.Combine(Repository.Root, "tests", "cases", "evaluation-cases.json");

    public static EvaluationTable Instance { get; } =
        JsonSerializer.Deserialize<EvaluationTable>(File.ReadAllText(FilePath), Options)
        ?? throw new InvalidDataException($"{FilePath} is empty.");

    /// <summary>
    /// The cases the API can produce. A case with <c>unavailable</c> ids needs a store that fails
    /// for those ids (STORE_UNAVAILABLE); the API has no way to make Azurite fail for one id, so
    /// those cases stay with the Core table (and the fault-injection tests of the store).
    /// </summary>
    public IReadOnlyList<TableCase> HttpCases => [.. Cases.Where(c => c.Unavailable is not { Count: > 0 })];

    /// <summary>The shipped policy plus the table's advertisers and processors, as a policy document.</summary>
    public PolicyDocument Policy()
    {
        var document = PolicyLoader.ReadDefaultDocument();
        return document with { Partners = [.. document.Partners!, .. ExtraPartners] };
    }
}

public sealed record TableCase(
    string Name,
    IReadOnlyDictionary<string, TableAccount>? Accounts,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? Devices,
    IReadOnlyList<string>? Unavailable,
    TableRequest Request,
    TableExpectation Expect)
{
    public override string ToString() => Name;

    /// <summary>Users a device is linked to that are not accounts of the case: accounts that were deleted.</summary>
    public IReadOnlyList<string> DeletedAccounts =>
        [.. (Devices ?? new Dictionary<string, IReadOnlyList<string>>()).Values.SelectMany(users => users)
            .Where(user => Accounts?.ContainsKey(user) != true).Distinct()];
}

/// <summary>An account; <c>SignedUpAt</c> is kept as written (up to 7 fraction digits) and sent as is.</summary>
public sealed record TableAccount(string Country, string SignedUpAt, bool? Setting);

public sealed record TableRequest(string? Partner, string? Via, string? UserId, string? DeviceAdId, IReadOnlyList<string> Data, string? Country);

public sealed record TableExpectation(
    string Decision,
    IReadOnlyList<string> Allowed,
    IReadOnlyDictionary<string, string> Denied,
    IReadOnlyList<string> Reasons,
    string? Partnership,
    long? ConsentVersion);
