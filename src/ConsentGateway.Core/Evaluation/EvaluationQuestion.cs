using ConsentGateway.Contracts;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Policy;

namespace ConsentGateway.Core.Evaluation;

/// <summary>
/// One question of an egress proxy, validated and resolved against the policy: the request the
/// evaluator decides, and the subject ids whose projection rows it needs.
/// </summary>
/// <param name="PartnerId">The partner id as asked (known to the policy or not).</param>
/// <param name="ViaId">The processor id as asked, or <c>null</c>.</param>
public readonly record struct EvaluationQuestion(DecisionRequest Request, string PartnerId, string? ViaId, string? UserId, string? DeviceAdId)
{
    /// <summary>The policy the question was resolved against, which decides it: one version per decision, whatever a switch does meanwhile.</summary>
    public CompiledPolicy Policy { get; init; } = null!;

    /// <summary>A write the answer must reflect at least (read-your-writes), or <c>null</c>.</summary>
    public ConsistencyToken? AtLeastAsFresh { get; init; }

    /// <summary>Validates the parts of a question; each way it can be wrong is a distinct 400 code.</summary>
    /// <param name="data">The data items, already resolved (<see cref="ParseDataList"/>, or a body reader), or why they cannot be.</param>
    public static Outcome<EvaluationQuestion> Create(
        CompiledPolicy policy, string? partner, string? via, string? userId, string? deviceAdId, Outcome<DataSet> data, string? country)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (string.IsNullOrEmpty(partner))
        {
            return Failure.Invalid(ProblemCodes.MissingPartner, "The partner the data goes to is required.");
        }

        if (!SubjectIds.IsValid(partner) || (via is not null && !SubjectIds.IsValid(via)))
        {
            return Failure.Invalid(ProblemCodes.InvalidPartner, $"A partner id is 1-{SubjectIds.MaxLength} letters, digits, '.', '_', '-' or ':'.");
        }

        if (userId is null && deviceAdId is null)
        {
            return Failure.Invalid(ProblemCodes.MissingSubject, "The subject needs at least one id: a user id, a device advertising id, or both.");
        }

        if (userId is not null && Identifiers.CheckUserId(userId) is { } invalidUser)
        {
            return invalidUser;
        }

        if (deviceAdId is not null && Identifiers.CheckDeviceId(deviceAdId) is { } invalidDevice)
        {
            return invalidDevice;
        }

        if (data.Failure is { } invalidData)
        {
            return invalidData;
        }

        var countryCode = default(CountryCode);
        if (country is not null && !CountryCode.TryParse(country, out countryCode))
        {
            return Failure.Invalid(ProblemCodes.InvalidCountry, "The country must be an ISO 3166-1 alpha-2 code, e.g. DE.");
        }

        var request = new DecisionRequest(policy.ResolvePartner(partner), policy.ResolvePartner(via), data.Value, countryCode);
        return new EvaluationQuestion(request, partner, via, userId, deviceAdId) { Policy = policy };
    }

    /// <summary>The data items of a header: a comma list of names the policy knows, spaces allowed around each.</summary>
    public static Outcome<DataSet> ParseDataList(CompiledPolicy policy, string? list)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (string.IsNullOrWhiteSpace(list))
        {
            return MissingData();
        }

        var data = DataSet.Empty;
        var rest = list.AsSpan();
        while (true)
        {
            var comma = rest.IndexOf(',');
            var name = (comma < 0 ? rest : rest[..comma]).Trim(' ');
            if (!policy.TryGetDataItem(name, out var item))
            {
                return UnknownData(policy);
            }

            data = data.Union(DataSet.Of(item));
            if (comma < 0)
            {
                return data;
            }

            rest = rest[(comma + 1)..];
        }
    }

    /// <summary>No data items were given, or an empty list.</summary>
    public static Failure MissingData() =>
        Failure.Invalid(ProblemCodes.MissingData, "The data items to send are required: at least one name.");

    /// <summary>A data item the policy does not name (names are case-sensitive).</summary>
    public static Failure UnknownData(CompiledPolicy policy) =>
        Failure.Invalid(ProblemCodes.UnknownDataItem, $"Every data item must be one the policy names: {string.Join(", ", policy.DataItems)}.");
}
