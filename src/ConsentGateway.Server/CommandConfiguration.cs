namespace ConsentGateway.Server;

/// <summary>The configuration a command of the server program reads: the server's own sources (appsettings.json, environment, command line) without starting it.</summary>
internal static class CommandConfiguration
{
    public static IConfiguration Build(IEnumerable<string> args) =>
        new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine([.. args])
            .Build();
}
