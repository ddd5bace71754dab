using System.Globalization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace ConsentGateway.Server.OpenApi;

/// <summary>
/// Describes, as a GET, each named endpoint that takes any method (<c>/api/v1/check</c>, which
/// nginx and Envoy call with the original request's method): ASP.NET Core's API explorer skips an
/// endpoint without methods. The operation is made from the endpoint's own metadata (name, summary,
/// description, tags, answers); <see cref="OperationMetadataTransformer"/> adds the rest. A catch-all
/// parameter is left out of the path: the route itself is what a client calls.
/// </summary>
internal sealed class AnyMethodRouteTransformer(EndpointDataSource endpoints) : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        foreach (var endpoint in endpoints.Endpoints.OfType<RouteEndpoint>())
        {
            var metadata = endpoint.Metadata;
            if (metadata.GetMetadata<IHttpMethodMetadata>() is { HttpMethods.Count: > 0 }
                || metadata.GetMetadata<IEndpointNameMetadata>() is not { } name
                || metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is { ExcludeFromDescription: true })
            {
                continue;
            }

            document.Paths ??= [];
            var path = PathOf(endpoint.RoutePattern);
            if (!document.Paths.TryGetValue(path, out var item))
            {
                item = new OpenApiPathItem();
                document.Paths[path] = item;
            }

            ((OpenApiPathItem)item).AddOperation(HttpMethod.Get, new OpenApiOperation
            {
                OperationId = name.EndpointName,
                Summary = metadata.GetMetadata<IEndpointSummaryMetadata>()?.Summary,
                Description = metadata.GetMetadata<IEndpointDescriptionMetadata>()?.Description,
                Tags = new HashSet<OpenApiTagReference>(metadata.OfType<ITagsMetadata>().SelectMany(t => t.Tags).Distinct().Select(tag => new OpenApiTagReference(tag, document))),
                Responses = Responses(metadata, document),
            });
        }

        return Task.CompletedTask;
    }

    /// <summary>The route as a client calls it: <c>/api/v1/check/{*rest}</c> is <c>/api/v1/check</c>.</summary>
    public static string PathOf(RoutePattern pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var segments = pattern.PathSegments
            .Where(segment => !segment.Parts.Any(part => part is RoutePatternParameterPart { IsCatchAll: true }))
            .Select(segment => string.Concat(segment.Parts.Select(part => part switch
            {
                RoutePatternLiteralPart literal => literal.Content,
                RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
                RoutePatternSeparatorPart separator => separator.Content,
                _ => throw new InvalidOperationException($"The route {pattern.RawText} has a part OpenAPI cannot describe."),
            })));
        return "/" + string.Join('/', segments);
    }

    // Each declared answer: a bodiless one is its status alone, a problem refers to the problem schema.
    private static OpenApiResponses Responses(EndpointMetadataCollection metadata, OpenApiDocument document)
    {
        var responses = new OpenApiResponses();
        foreach (var produced in metadata.OfType<IProducesResponseTypeMetadata>().OrderBy(p => p.StatusCode))
        {
            var response = new OpenApiResponse { Description = ReasonPhrases.GetReasonPhrase(produced.StatusCode) };
            if (produced.Type is { } type && type != typeof(void))
            {
                response.Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
                {
                    ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ContractSchemaTransformer.ProblemSchema, document) },
                };
            }

            responses[produced.StatusCode.ToString(CultureInfo.InvariantCulture)] = response;
        }

        return responses;
    }
}
