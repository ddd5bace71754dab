using Azure.Monitor.OpenTelemetry.Exporter;
using ConsentGateway.Functions;
using ConsentGateway.Infrastructure;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using OpenTelemetry;

namespace Microsoft.Extensions.DependencyInjection;

public static class FunctionsTelemetryServiceCollectionExtensions
{
    /// <summary>The app setting Azure sets to the app's Application Insights resource.</summary>
    public const string AzureMonitorConnectionKey = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>
    /// The gateway's telemetry from the worker (<see cref="GatewayTelemetry"/>, with the Functions
    /// resource and invocation context): to Azure Monitor when <see cref="AzureMonitorConnectionKey"/>
    /// is set, by OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is, to both when both are, and no
    /// SDK at all when neither is. Azure Monitor gets every log: traces keep the exporter's
    /// rate-limited sampling (they are for diagnosis), but its default of dropping the logs of
    /// unsampled traces would lose decision log events, which are the audit trail. It
    /// authenticates as the host does (<see cref="AzureMonitorAuthentication"/>).
    /// </summary>
    public static IServiceCollection AddConsentFunctionsTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var azureMonitor = !string.IsNullOrEmpty(configuration[AzureMonitorConnectionKey]);
        var otlp = OpenTelemetryServiceCollectionExtensions.OtlpConfigured(configuration);
        if (!azureMonitor && !otlp)
        {
            return services;
        }

        var telemetry = services.AddTelemetrySignals(GatewayTelemetry.Service).UseFunctionsWorkerDefaults();
        if (azureMonitor)
        {
            var connectionString = configuration[AzureMonitorConnectionKey];
            var credential = AzureMonitorAuthentication.CredentialOf(configuration[AzureMonitorAuthentication.SettingKey]);
            telemetry.UseAzureMonitorExporter(options =>
            {
                options.ConnectionString = connectionString;
                options.Credential = credential;
                options.EnableTraceBasedLogsSampler = false;
            });
        }

        if (otlp)
        {
            telemetry.UseOtlpExporter();
        }

        return services;
    }
}
