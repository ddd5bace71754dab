using ConsentGateway.Contracts;
using ConsentGateway.Core.Evaluation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace ConsentGateway.Http;

/// <summary>
/// The 200 answer of <c>/evaluate</c> (<typeparamref name="TResponse"/> = <see cref="DecisionResponse"/>)
/// or <c>/evaluate/batch</c> (<see cref="BatchResponse"/>), written by <see cref="DecisionJson"/>
/// without the DTOs; the type argument tells OpenAPI the shape written.
/// </summary>
public sealed class DecisionJsonResult<TResponse> : IResult, IEndpointMetadataProvider
{
    private readonly DecisionJson _json;
    private readonly DecisionRecord[] _records;
    private readonly BodyQuestion[] _requests;
    private readonly bool _batch;

    internal DecisionJsonResult(DecisionJson json, DecisionRecord[] records, BodyQuestion[] requests, bool batch) =>
        (_json, _records, _requests, _batch) = (json, records, requests, batch);

    public Task ExecuteAsync(HttpContext httpContext) => _json.WriteAsync(httpContext, _records, _requests, _batch);

    static void IEndpointMetadataProvider.PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(TResponse), ["application/json"]));
    }
}
