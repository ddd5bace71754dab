using ConsentGateway.Contracts;
using ConsentGateway.Core.Evaluation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace ConsentGateway.Http;

/// <summary>The answer of <c>/evaluate/batch</c>: a <see cref="BatchResponse"/>, written by <see cref="DecisionJson"/>.</summary>
public sealed class DecisionBatchResult : IResult, IEndpointMetadataProvider
{
    private readonly DecisionJson _json;
    private readonly DecisionRecord[] _records;
    private readonly BodyQuestion[] _requests;

    internal DecisionBatchResult(DecisionJson json, DecisionRecord[] records, BodyQuestion[] requests) => (_json, _records, _requests) = (json, records, requests);

    public Task ExecuteAsync(HttpContext httpContext) => _json.WriteAsync(httpContext, _records, _requests, batch: true);

    static void IEndpointMetadataProvider.PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(BatchResponse), ["application/json"]));
    }
}
