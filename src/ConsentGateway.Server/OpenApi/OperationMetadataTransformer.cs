using System.Globalization;
using ConsentGateway.Contracts;
using ConsentGateway.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace ConsentGateway.Server.OpenApi;

/// <summary>
/// Completes each operation from its endpoint's metadata (found by operation id, the endpoint's
/// name): who may call it (<see cref="AllowedCallers"/>), the headers it reads and writes
/// (<see cref="RequestHeader"/>, <see cref="ResponseHeader"/>, <c>Retry-After</c> of a 503), the
/// id grammar of its path parameters, which problem codes each error status answers, and the
/// examples of README's walk-through.
/// </summary>
internal sealed class OperationMetadataTransformer(EndpointDataSource endpoints) : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        var metadataByName = endpoints.Endpoints
            .Select(endpoint => (Name: endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName, endpoint.Metadata))
            .Where(named => named.Name is not null)
            .ToDictionary(named => named.Name!, named => named.Metadata, StringComparer.Ordinal);

        foreach (var operation in (document.Paths ?? []).Values.SelectMany(path => (IEnumerable<OpenApiOperation>?)path.Operations?.Values ?? []))
        {
            if (operation.OperationId is { } id && metadataByName.TryGetValue(id, out var metadata))
            {
                Describe(operation, metadata, document);
            }
        }

        return Task.CompletedTask;
    }

    private static void Describe(OpenApiOperation operation, EndpointMetadataCollection metadata, OpenApiDocument document)
    {
        if (metadata.GetMetadata<AllowedCallers>() is { } callers)
        {
            operation.Security = [.. Requirements(callers, document)];
        }

        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>().Where(p => p.In == ParameterLocation.Path))
        {
            (parameter.Description, parameter.Schema) = parameter.Name switch
            {
                "userId" => ("The account's user id.", WireSchemas.Id("A user id.", "alice")),
                "adId" => ("The device's advertising id.", WireSchemas.Id("An advertising id.", "6D92078A-8246-4BA4-AE5B-76104861E7DC")),
                _ => (parameter.Description, parameter.Schema),
            };
        }

        foreach (var header in metadata.OfType<RequestHeader>())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = header.Name,
                In = ParameterLocation.Header,
                Description = header.Description,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = header.Pattern },
                Example = header.Example is null ? null : System.Text.Json.Nodes.JsonValue.Create(header.Example),
            });
        }

        var examples = ApiExamples.ByOperation.GetValueOrDefault(operation.OperationId!);
        if (examples.Request is { } requestExample && MediaType(operation.RequestBody?.Content, "application/json") is { } body)
        {
            body.Example = ApiExamples.Parse(requestExample);
        }

        foreach (var (statusText, answer) in operation.Responses ?? [])
        {
            if (answer is not OpenApiResponse response)
            {
                continue;
            }

            var status = int.Parse(statusText, CultureInfo.InvariantCulture);
            foreach (var header in metadata.OfType<ResponseHeader>().Where(h => h.StatusCode == status))
            {
                AddHeader(response, header.Name, header.Description, header.Required, new OpenApiSchema { Type = JsonSchemaType.String });
            }

            if (status == StatusCodes.Status503ServiceUnavailable)
            {
                AddHeader(response, "Retry-After", "Seconds to wait before retrying.", required: true, new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" });
            }

            if (MediaType(response.Content, "application/problem+json") is { } problem)
            {
                var codes = ProblemCatalog.CodesOf(status).Select(code => $"`{code}`").ToList();
                response.Description = ReasonPhrases.GetReasonPhrase(status) + (codes.Count == 1
                    ? $": the problem's `code` is {codes[0]}."
                    : $": the problem's `code` is one of {string.Join(", ", codes)} (not every one applies to every route).");
                problem.Example ??= examples.Responses?.GetValueOrDefault(statusText) is { } problemExample ? ApiExamples.Parse(problemExample) : null;
            }
            else if (examples.Responses?.GetValueOrDefault(statusText) is { } example && MediaType(response.Content, "application/json") is { } content)
            {
                content.Example = ApiExamples.Parse(example);
            }
        }
    }

    // Each requirement is one way in: the proxy key, or a bearer token with one of the scopes
    // (OpenAPI 3.1 lets a non-OAuth scheme's requirement name the roles it needs).
    private static IEnumerable<OpenApiSecurityRequirement> Requirements(AllowedCallers callers, OpenApiDocument document)
    {
        if (callers.ProxyKey)
        {
            yield return new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecuritySchemes.ProxyKey, document)] = [] };
        }

        foreach (var scope in callers.Scopes)
        {
            yield return new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecuritySchemes.Bearer, document)] = [scope] };
        }
    }

    private static OpenApiMediaType? MediaType(IDictionary<string, OpenApiMediaType>? content, string type) =>
        content is not null && content.TryGetValue(type, out var media) ? media : null;

    private static void AddHeader(OpenApiResponse response, string name, string description, bool required, OpenApiSchema schema)
    {
        response.Headers ??= new Dictionary<string, IOpenApiHeader>(StringComparer.OrdinalIgnoreCase);
        response.Headers[name] = new OpenApiHeader { Description = description, Required = required, Schema = schema };
    }
}
