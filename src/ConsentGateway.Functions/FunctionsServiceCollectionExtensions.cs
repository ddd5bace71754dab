using ConsentGateway.Functions;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

public static class FunctionsServiceCollectionExtensions
{
    /// <summary>
    /// Everything the Functions app's triggers need, one <c>Add…</c> per layer: Core, the Table
    /// Storage stores, the Service Bus publisher, the shared HTTP layer, telemetry (Azure Monitor or OTLP), the watch
    /// of the change log (other instances project changes too), and the policy blob's hot switch (when configured).
    /// <c>Program.cs</c> and the tests call this one method, so they wire the same app.
    /// </summary>
    public static IServiceCollection AddConsentFunctions(this IServiceCollection services, IConfiguration configuration) =>
        services
            .AddConsentCore(configuration)
            .AddConsentTableStorage(configuration)
            .AddConsentServiceBus(configuration)
            .AddConsentHttp(configuration)
            .AddConsentFunctionsTelemetry(configuration)
            .AddChangeLogWatch()
            .AddHostedService<ChangeLogWatchService>()
            .AddConsentPolicyBlob(configuration);
}
