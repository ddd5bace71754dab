using System.Text.Json.Nodes;
using ConsentGateway.Contracts;
using ConsentGateway.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ConsentGateway.Server.OpenApi;

/// <summary>
/// Describes the health routes (ASP.NET Core's health checks, outside the API explorer). The
/// self-host serves them at the root, the Functions app below its route prefix, so each path names
/// both servers.
/// </summary>
internal sealed class HealthPathTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Paths ??= [];
        document.Paths[ApiRoutes.HealthLivePath] = Path(document, "HealthLive", "Liveness: the process serves.", "200 `Healthy` while the process answers; no check runs.", ready: false);
        document.Paths[ApiRoutes.HealthReadyPath] = Path(document, "HealthReady", "Readiness: the gateway can decide.", "200 `Healthy` (or `Degraded`) while the readiness checks pass, 503 `Unhealthy` when one fails. No credentials, no personal data.", ready: true);
        return Task.CompletedTask;
    }

    private static OpenApiPathItem Path(OpenApiDocument document, string name, string summary, string description, bool ready)
    {
        var responses = new OpenApiResponses { ["200"] = Status("Healthy, or Degraded.", "Healthy", "Degraded") };
        if (ready)
        {
            responses["503"] = Status("Unhealthy: do not route traffic here.", "Unhealthy");
        }

        var item = new OpenApiPathItem
        {
            Servers = [.. ApiInfoTransformer.HealthServers()],
        };
        item.AddOperation(HttpMethod.Get, new OpenApiOperation
        {
            OperationId = name,
            Summary = summary,
            Description = description,
            Tags = new HashSet<OpenApiTagReference> { new(ApiTags.Health, document) },
            Security = [],
            Responses = responses,
        });
        return item;
    }

    private static OpenApiResponse Status(string description, params string[] statuses) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
        {
            ["text/plain"] = new()
            {
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. statuses.Select(s => (JsonNode)JsonValue.Create(s))] },
                Example = statuses[0],
            },
        },
    };
}
