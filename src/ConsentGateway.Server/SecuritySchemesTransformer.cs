using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ConsentGateway.Server;

/// <summary>Declares the two ways a caller proves who it is, so that Scalar's page can ask for a bearer token and a proxy key.</summary>
internal sealed class SecuritySchemesTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
        document.Components.SecuritySchemes[ApiDocsEndpointRouteBuilderExtensions.BearerSchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A JWT of the configured issuer and audience; locally `./run.sh dev-token --sub USER --scope SCOPES`.",
        };
        document.Components.SecuritySchemes[ApiDocsEndpointRouteBuilderExtensions.ProxyKeySchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ConsentGateway.Contracts.ConsentHeaders.Key,
            Description = "An egress proxy's key; locally `./run.sh dev-proxy-key`.",
        };
        return Task.CompletedTask;
    }
}
