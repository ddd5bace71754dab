using ConsentGateway.Contracts;
using ConsentGateway.Core.Evaluation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace ConsentGateway.Http;

/// <summary>The answer of <c>/evaluate</c>: a <see cref="DecisionResponse"/>, written by <see cref="DecisionJson"/>.</summary>
public sealed class DecisionResult : IResult, IEndpointMetadataProvider
{
    private readonly DecisionJson _json;
    private readonly DecisionRecord _record;
    private readonly string? _id;

    internal DecisionResult(DecisionJson json, DecisionRecord record, string? id) => (_json, _record, _id) = (json, record, id);

    public Task ExecuteAsync(HttpContext httpContext) => _json.WriteAsync(httpContext, [_record], [new BodyQuestion(default, _id)], batch: false);

    static void IEndpointMetadataProvider.PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(DecisionResponse), ["application/json"]));
    }
}
