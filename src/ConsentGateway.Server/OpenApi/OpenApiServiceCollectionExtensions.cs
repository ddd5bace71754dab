using ConsentGateway.Server.OpenApi;

namespace Microsoft.Extensions.DependencyInjection;

public static class OpenApiServiceCollectionExtensions
{
    /// <summary>
    /// The OpenAPI document of the API (<c>v1</c>, served at <c>/openapi/v1.json</c> and written at
    /// build time): generated from the endpoints, then completed in this order — the document's own
    /// parts, the contract schemas, the any-method and health routes, and each operation from its
    /// endpoint's metadata.
    /// </summary>
    public static IServiceCollection AddConsentOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options => options
            .AddDocumentTransformer<ApiInfoTransformer>()
            .AddDocumentTransformer<ContractSchemaTransformer>()
            .AddDocumentTransformer<AnyMethodRouteTransformer>()
            .AddDocumentTransformer<HealthPathTransformer>()
            .AddDocumentTransformer<OperationMetadataTransformer>());
}
