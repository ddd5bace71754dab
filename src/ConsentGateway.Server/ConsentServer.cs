using ConsentGateway.Core.Policy;
using ConsentGateway.Http;

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

        builder.Services.AddConsentServer(builder.Configuration);
        overrideServices?.Invoke(builder.Services);
        var app = builder.Build();

        // Fail fast: an invalid policy document stops the server before it listens.
        app.Services.GetRequiredService<PolicyInForce>();

        // Unknown routes (404), wrong methods (405) and unhandled errors get problem details too.
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseConsentRateLimits();
        app.MapApiDocs();
        app.MapSettingsPage();
        app.MapConsentApi();
        app.MapConsentHealth();
        return app;
    }
}
