using System.Text.Json;
using System.Text.Json.Serialization;
using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Policy;

namespace ConsentGateway.Testing;

/// <summary>
/// The table in tests/cases/evaluation-cases.json: expectations written from the rules, not from
/// the code. Shared by the Core tests (evaluated in process) and the Server tests (through HTTP).
/// </summary>
public sealed record EvaluationCaseTable(IReadOnlyList<PartnerDocument> ExtraPartners, IReadOnlyList<EvaluationCase> Cases)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static string FilePath { get; } = Path.Combine(Repository.Root, "tests", "cases", "evaluation-cases.json");

    public static EvaluationCaseTable Instance { get; } = Load();

    /// <summary>The shipped policy plus the table's advertisers and processors.</summary>
    public CompiledPolicy Policy { get; init; } = null!;

    private static EvaluationCaseTable Load()
    {
        var table = JsonSerializer.Deserialize<EvaluationCaseTable>(File.ReadAllText(FilePath), Options)
            ?? throw new InvalidDataException($"{FilePath} is empty.");
        return table with { Policy = CompiledPolicy.Compile(table.PolicyDocument()) };
    }

    /// <summary>The shipped policy document plus the table's advertisers and processors.</summary>
    public PolicyDocument PolicyDocument()
    {
        var document = PolicyLoader.ReadDefaultDocument();
        return document with { Partners = [.. document.Partners!, .. ExtraPartners] };
    }

    /// <summary>
    /// The cases the API can produce. A case with <c>unavailable</c> ids needs a store that fails
    /// for those ids (STORE_UNAVAILABLE); one with <c>overLinkLimit</c> devices needs a device with
    /// more links than the API accepts (TOO_MANY_LINKED_ACCOUNTS). The API cannot make either, so
    /// those cases stay with the in-process table (and the tests that write the store directly).
    /// </summary>
    public IReadOnlyList<EvaluationCase> HttpCases => [.. Cases.Where(c => !c.NeedsTheStore)];
}

public sealed record EvaluationCase(
    string Name,
    IReadOnlyDictionary<string, CaseAccount>? Accounts,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? Devices,
    IReadOnlyList<string>? Unavailable,
    CaseRequest Request,
    CaseExpectation Expect,
    IReadOnlyList<string>? OverLinkLimit = null)
{
    public override string ToString() => Name;

    /// <summary>The case needs the store in a state the API cannot produce.</summary>
    public bool NeedsTheStore => Unavailable is { Count: > 0 } || OverLinkLimit is { Count: > 0 };

    /// <summary>Users a device is linked to that are not accounts of the case: accounts that were deleted.</summary>
    public IReadOnlyList<string> DeletedAccounts =>
        [.. (Devices ?? new Dictionary<string, IReadOnlyList<string>>()).Values.SelectMany(users => users)
            .Where(user => Accounts?.ContainsKey(user) != true).Distinct()];

    public Decision Evaluate(CompiledPolicy policy)
    {
        var request = new DecisionRequest(
            policy.ResolvePartner(Request.Partner),
            policy.ResolvePartner(Request.Via),
            Request.Data.Aggregate(DataSet.Empty, (set, name) => set.Union(DataSet.Of(policy.TryGetDataItem(name, out var item) ? item : throw new InvalidDataException(name)))),
            Request.Country is null ? default : CountryCode.Parse(Request.Country));

        var device = LookupDevice(Request.DeviceAdId);
        var deviceAccounts = device == LookupStatus.Found ? Devices![Request.DeviceAdId!].Select(LookupAccount).ToArray() : [];
        var subject = new SubjectFacts(LookupAccount(Request.UserId), device, deviceAccounts);
        return PolicyEvaluator.Evaluate(policy, request, subject);
    }

    private bool IsUnavailable(string id) => Unavailable?.Contains(id) == true;

    private AccountLookup LookupAccount(string? userId) =>
        userId is null ? AccountLookup.NotRequested
        : IsUnavailable(userId) ? AccountLookup.Unavailable
        : Accounts is not null && Accounts.TryGetValue(userId, out var account) ? AccountLookup.Found(account.ToFacts())
        : AccountLookup.NotFound;

    private LookupStatus LookupDevice(string? adId) =>
        adId is null ? LookupStatus.NotRequested
        : IsUnavailable(adId) ? LookupStatus.Unavailable
        : OverLinkLimit?.Contains(adId) == true ? LookupStatus.TooManyLinkedAccounts
        : Devices?.ContainsKey(adId) == true ? LookupStatus.Found
        : LookupStatus.NotFound;
}

public sealed record CaseAccount(string Country, DateTimeOffset SignedUpAt, bool? Setting)
{
    // One explicit change makes version 1; an untouched setting is version 0.
    public AccountFacts ToFacts() => new(CountryCode.Parse(Country), SignedUpAt, Setting, Setting is null ? 0 : 1);
}

public sealed record CaseRequest(string? Partner, string? Via, string? UserId, string? DeviceAdId, IReadOnlyList<string> Data, string? Country);

public sealed record CaseExpectation(
    string Decision,
    IReadOnlyList<string> Allowed,
    IReadOnlyDictionary<string, string> Denied,
    IReadOnlyList<string> Reasons,
    string? Partnership,
    long? ConsentVersion);
