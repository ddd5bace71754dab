using System.Globalization;
using ConsentGateway.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ConsentGateway.Server;

/// <summary>Writes the <see cref="ResponseHeader"/>s of an endpoint into its OpenAPI operation.</summary>
internal sealed class ResponseHeaderTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var header in context.Description.ActionDescriptor.EndpointMetadata.OfType<ResponseHeader>())
        {
            if (operation.Responses?.GetValueOrDefault(header.StatusCode.ToString(CultureInfo.InvariantCulture)) is OpenApiResponse response)
            {
                response.Headers ??= new Dictionary<string, IOpenApiHeader>(StringComparer.OrdinalIgnoreCase);
                response.Headers[header.Name] = new OpenApiHeader
                {
                    Description = header.Description,
                    Required = true,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                };
            }
        }

        return Task.CompletedTask;
    }
}
