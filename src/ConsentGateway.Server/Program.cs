using ConsentGateway.Core.Policy;
using ConsentGateway.Infrastructure.Sqlite;
using ConsentGateway.Server;
using ConsentGateway.Server.OpenApi;
using Microsoft.Extensions.Options;

return ServerCommands.AreFor(args) ? ServerCommands.Run(args) : await RunServerAsync(args);

static async Task<int> RunServerAsync(string[] args)
{
    try
    {
        // The build's OpenAPI run (Microsoft.Extensions.ApiDescription.Server) starts the app for its document only.
        var app = BuildTimeDocument.IsGenerating
            ? ConsentServer.Build([.. args, .. BuildTimeDocument.Arguments()], BuildTimeDocument.WithoutBackgroundWork)
            : ConsentServer.Build(args);
        await app.RunAsync();
        return 0;
    }
    catch (Exception ex) when (ex is SqliteStoreFileException or OptionsValidationException or PolicyValidationException
        or IOException { InnerException: Microsoft.AspNetCore.Connections.AddressInUseException })
    {
        // A setting, a store file or an address in use the operator can fix, named with the reason in the message:
        // said once, exit code 1, instead of an unhandled exception's stack trace and abort.
        Console.Error.WriteLine($"The gateway did not start: {ex.Message}");
        return 1;
    }
}
