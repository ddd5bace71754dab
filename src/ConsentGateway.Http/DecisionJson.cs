using System.Text.Json;
using ConsentGateway.Contracts;
using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Policy;
using Microsoft.AspNetCore.Http;

namespace ConsentGateway.Http;

/// <summary>
/// Writes decisions as the API answers them, straight into the response with a
/// <see cref="Utf8JsonWriter"/> and names encoded once: a batch of 1,000 is one pass, no DTOs.
/// </summary>
public sealed class DecisionJson
{
    private static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText DecisionName = JsonEncodedText.Encode("decision");
    private static readonly JsonEncodedText Allowed = JsonEncodedText.Encode("allowed");
    private static readonly JsonEncodedText Denied = JsonEncodedText.Encode("denied");
    private static readonly JsonEncodedText Data = JsonEncodedText.Encode("data");
    private static readonly JsonEncodedText Reason = JsonEncodedText.Encode("reason");
    private static readonly JsonEncodedText Reasons = JsonEncodedText.Encode("reasons");
    private static readonly JsonEncodedText Partnership = JsonEncodedText.Encode("partnership");
    private static readonly JsonEncodedText PolicyVersion = JsonEncodedText.Encode("policyVersion");
    private static readonly JsonEncodedText ConsentVersion = JsonEncodedText.Encode("consentVersion");
    private static readonly JsonEncodedText DecisionId = JsonEncodedText.Encode("decisionId");
    private static readonly JsonEncodedText TtlSeconds = JsonEncodedText.Encode("ttlSeconds");
    private static readonly JsonEncodedText Results = JsonEncodedText.Encode("results");
    private static readonly JsonEncodedText[] Outcomes = [.. Enum.GetValues<DecisionOutcome>().Select(o => JsonEncodedText.Encode(o.ToName()))];
    private static readonly JsonEncodedText[] ReasonCodes = [.. ReasonCodeNames.All.Select(r => JsonEncodedText.Encode(r.ToCode()))];

    // The encoded item names of the policy the last decision used, made again only after a switch
    // (one reference, so a reader never sees one policy's names paired with another policy).
    private ItemNames? _dataItems;

    private JsonEncodedText[] DataItemsOf(CompiledPolicy policy)
    {
        var items = Volatile.Read(ref _dataItems);
        if (items is null || !ReferenceEquals(items.Policy, policy))
        {
            items = new ItemNames(policy, [.. policy.DataItems.Select(name => JsonEncodedText.Encode(name))]);
            Volatile.Write(ref _dataItems, items);
        }

        return items.Names;
    }

    public DecisionJsonResult<DecisionResponse> One(DecisionRecord record, string? id) => new(this, [record], [new BodyQuestion(default, id)], batch: false);

    /// <summary>The results of a batch, each with the id of the request at its index.</summary>
    public DecisionJsonResult<BatchResponse> Batch(DecisionRecord[] records, BodyQuestion[] requests) => new(this, records, requests, batch: true);

    private void Write(Utf8JsonWriter writer, in DecisionRecord record, string? id)
    {
        var decision = record.Decision;
        var dataItems = DataItemsOf(decision.Policy);
        writer.WriteStartObject();
        if (id is not null)
        {
            writer.WriteString(Id, id);
        }

        writer.WriteString(DecisionName, Outcomes[(int)decision.Outcome]);
        writer.WriteStartArray(Allowed);
        foreach (var item in decision.Allowed)
        {
            writer.WriteStringValue(dataItems[item]);
        }

        writer.WriteEndArray();
        writer.WriteStartArray(Denied);
        foreach (var item in decision.Denied)
        {
            writer.WriteStartObject();
            writer.WriteString(Data, dataItems[item]);
            writer.WriteString(Reason, ReasonCodes[(int)decision.ReasonDenied(item)]);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray(Reasons);
        foreach (var reason in decision.Reasons)
        {
            writer.WriteStringValue(ReasonCodes[(int)reason]);
        }

        writer.WriteEndArray();
        writer.WriteString(Partnership, decision.Partnership?.Id);
        writer.WriteString(PolicyVersion, decision.PolicyVersion);
        if (decision.ConsentVersion is { } version)
        {
            writer.WriteNumber(ConsentVersion, version);
        }
        else
        {
            writer.WriteNull(ConsentVersion);
        }

        writer.WriteString(DecisionId, record.Id);
        writer.WriteNumber(TtlSeconds, record.TtlSeconds);
        writer.WriteEndObject();
    }

    /// <summary>Writes a 200 answer: one decision, or a batch's <c>results</c>.</summary>
    internal async Task WriteAsync(HttpContext httpContext, DecisionRecord[] records, BodyQuestion[] requests, bool batch)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        using (var writer = new Utf8JsonWriter(response.BodyWriter))
        {
            if (batch)
            {
                writer.WriteStartObject();
                writer.WriteStartArray(Results);
            }

            for (var i = 0; i < records.Length; i++)
            {
                Write(writer, records[i], requests[i].Id);
            }

            if (batch)
            {
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
        }

        await response.BodyWriter.FlushAsync(httpContext.RequestAborted).ConfigureAwait(false);
    }

    private sealed record ItemNames(CompiledPolicy Policy, JsonEncodedText[] Names);
}
