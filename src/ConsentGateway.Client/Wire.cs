using System.Text.Json.Serialization;

namespace ConsentGateway.Client;

internal sealed record WireSubject(string? UserId, string? DeviceAdId);

internal sealed record WireRequest(string Partner, string? Via, WireSubject Subject, IReadOnlyList<string> Data, string? Country, string? Id);

internal sealed record WireBatchRequest(IReadOnlyList<WireRequest> Requests);

internal sealed record WireDenial(string? Data, string? Reason);

internal sealed record WireResponse(
    string? Decision,
    IReadOnlyList<string>? Allowed,
    IReadOnlyList<WireDenial>? Denied,
    IReadOnlyList<string>? Reasons,
    string? Partnership,
    string? PolicyVersion,
    long? ConsentVersion,
    Guid? DecisionId,
    int? TtlSeconds,
    string? Id);

internal sealed record WireBatchResponse(IReadOnlyList<WireResponse?>? Results);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WireRequest))]
[JsonSerializable(typeof(WireBatchRequest))]
[JsonSerializable(typeof(WireResponse))]
[JsonSerializable(typeof(WireBatchResponse))]
internal sealed partial class WireJsonContext : JsonSerializerContext;

internal static class WireMapping
{
    private static readonly string[] Decisions = ["allow", "partial", "deny"];

    public static WireRequest ToWire(ConsentQuestion question, string? id) =>
        new(question.Partner, question.Via, new WireSubject(question.UserId, question.DeviceAdId), question.Data, question.Country, id);

    /// <summary>Maps a reply to a result, or null when the reply does not make sense for the question.</summary>
    public static ConsentResult? FromWire(ConsentQuestion question, WireResponse? response)
    {
        if (response is null
            || response.Decision is null
            || !Decisions.Contains(response.Decision, StringComparer.Ordinal)
            || response.Allowed is null
            || response.Denied is null
            || response.Reasons is null
            || response.TtlSeconds is not { } ttl
            || ttl < 0)
        {
            return null;
        }

        var requested = new HashSet<string>(question.Data, StringComparer.Ordinal);
        if (response.Allowed.Any(item => item is null || !requested.Contains(item))
            || response.Denied.Any(denial => denial is null || denial.Data is null || denial.Reason is null)
            || response.Reasons.Any(reason => reason is null))
        {
            return null;
        }

        // Anything requested that the reply neither allows nor denies is not allowed: fail closed.
        if (requested.Any(item => !response.Allowed.Contains(item, StringComparer.Ordinal)
                                  && !response.Denied.Any(d => string.Equals(d.Data, item, StringComparison.Ordinal))))
        {
            return null;
        }

        return new ConsentResult
        {
            Decision = response.Decision,
            Allowed = [.. response.Allowed],
            Denied = [.. response.Denied.Select(d => new ConsentDenial(d.Data!, d.Reason!))],
            Reasons = [.. response.Reasons],
            Partnership = response.Partnership,
            PolicyVersion = response.PolicyVersion,
            ConsentVersion = response.ConsentVersion,
            DecisionId = response.DecisionId,
            TtlSeconds = ttl,
            Id = question.Id,
        };
    }
}
