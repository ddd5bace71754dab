using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Policy;
using ConsentGateway.Http;
using ConsentGateway.Server.Propagation;
using Scalar.AspNetCore;

namespace ConsentGateway.Server;

/// <summary>The self-hosted gateway: Kestrel, the same layers as the Functions app, one process.</summary>
public static class ConsentServer
{
    public const string DefaultUrl = "http://127.0.0.1:7071";

    /// <param name="args">Command-line arguments (configuration, <c>--urls</c>).</param>
    /// <param name="overrideServices">For tests: replaces registrations (e.g. a faulty publisher) after the defaults.</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? overrideServices = null)
    {
        // Content root = where the binary is, so appsettings.json is found from any working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Services
            .AddConsentCore(builder.Configuration)
            .AddConsentTableStorage(builder.Configuration)
            .AddConsentHttp(builder.Configuration)
            .AddConsentTelemetry(builder.Configuration);
        builder.Services.AddOpenApi();

        // Propagation in process: the same publisher port and consumer as on Service Bus.
        builder.Services.AddSingleton<InProcessChangeBus>();
        builder.Services.AddSingleton<IChangePublisher>(provider => provider.GetRequiredService<InProcessChangeBus>());
        builder.Services.AddSingleton<INoticesInFlight>(provider => provider.GetRequiredService<InProcessChangeBus>());
        builder.Services.AddHostedService<InProcessProjectionWorker>();
        builder.Services.AddHostedService<RepairWorker>();


        overrideServices?.Invoke(builder.Services);
        var app = builder.Build();

        // Fail fast: an invalid policy document stops the server before it listens.
        app.Services.GetRequiredService<CompiledPolicy>();

        // Unknown routes (404), wrong methods (405) and unhandled errors get problem details too.
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapConsentApi();
        return app;
    }
}
