using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;

namespace ConsentGateway.EgressProxy;

/// <summary>
/// The redacting egress proxy: YARP routes to partners (section <c>ReverseProxy</c>), a consent
/// rule per route (section <c>ConsentProxy</c>) and the gateway client (section <c>ConsentGateway</c>).
/// </summary>
public static class EgressProxyServer
{
    public const string DefaultUrl = "http://127.0.0.1:7080";

    private static readonly Dictionary<string, string?> Defaults = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Yarp"] = "Warning",
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
    };

    /// <param name="args">Command-line arguments (configuration, <c>--urls</c>).</param>
    /// <param name="overrideServices">For tests: replaces registrations (e.g. the gateway client) after the defaults.</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? overrideServices = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

        // Defaults under every other source. Not an appsettings.json: a project referencing both
        // the proxy and the gateway would get one of the two files in its output.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Defaults });
        AddConfigurationFile(builder.Configuration);
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Services.AddConsentEgressProxy(builder.Configuration);
        overrideServices?.Invoke(builder.Services);
        var app = builder.Build();

        // Fail fast: a bad rule or client setting stops the proxy here; a rule naming what the
        // gateway's policy does not know stops it at start (StartupPolicyCheck), before it listens.
        app.Services.GetRequiredService<ConsentRoutes>();
        app.MapConsentEgressProxy();
        app.MapConsentProxyHealth();
        return app;
    }

    /// <summary>
    /// The operator's file of routes and rules (<c>--config path</c>): above the shipped
    /// appsettings, below environment variables and the command line (where the key belongs).
    /// </summary>
    private static void AddConfigurationFile(ConfigurationManager configuration)
    {
        if (configuration["config"] is not { Length: > 0 } file)
        {
            return;
        }

        var path = Path.GetFullPath(file);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The configuration file given by --config does not exist: {path} (a relative path is taken from the working directory, {Environment.CurrentDirectory}).", path);
        }

        var sources = configuration.Sources;
        var afterFiles = sources.Select((source, index) => (source, index)).Last(s => s.source is JsonConfigurationSource).index + 1;
        var fileSource = new JsonConfigurationSource { Path = path, Optional = false, ReloadOnChange = false };
        fileSource.ResolveFileProvider();
        sources.Insert(afterFiles, fileSource);
    }
}
