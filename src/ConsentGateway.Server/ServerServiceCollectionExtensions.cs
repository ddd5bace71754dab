
namespace Microsoft.Extensions.DependencyInjection;

public static class ServerServiceCollectionExtensions
{
    /// <summary>Everything the self-hosted gateway runs: the layers of the Functions app, in-process propagation, OpenAPI.</summary>
    public static IServiceCollection AddConsentServer(this IServiceCollection services, IConfiguration configuration) =>
        services
            .AddConsentCore(configuration)
            .AddConsentTableStorage(configuration)
            .AddConsentHttp(configuration)
            .AddConsentTelemetry(configuration)
            .AddInProcessPropagation()
            .AddOpenApi();
}
