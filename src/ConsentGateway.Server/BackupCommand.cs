using ConsentGateway.Infrastructure.Sqlite;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Server;

/// <summary>
/// <c>backup FILE</c>: copies the SQLite store (<c>Consent:Storage:SqlitePath</c>) into a new
/// file with SQLite's online backup API, while the server may go on serving. Restoring is
/// described in the README (stop the server, put the copy in place of the file).
/// </summary>
internal static class BackupCommand
{
    public const string Name = "backup";

    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
        {
            Console.Error.WriteLine($"Usage: {Name} FILE [--Consent:Storage:SqlitePath DATABASE]   (FILE must not exist yet)");
            return 2;
        }

        var configuration = CommandConfiguration.Build(args[1..]);
        StorageProvider provider;
        try
        {
            provider = ServerServiceCollectionExtensions.StorageProviderOf(configuration);
        }
        catch (OptionsValidationException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }

        if (provider != StorageProvider.Sqlite)
        {
            Console.Error.WriteLine($"{Name} copies the SQLite store; this configuration runs on {provider} ({ServerServiceCollectionExtensions.StorageProviderKey}).");
            return 2;
        }

        var source = configuration.GetSection(SqliteStorageOptions.SectionName).Get<SqliteStorageOptions>()?.SqlitePath ?? SqliteStorageOptions.DefaultPath;
        try
        {
            SqliteDatabase.BackUp(source, args[0]);
        }
        catch (SqliteStoreFileException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 1;
        }

        Console.WriteLine($"Backed up {Path.GetFullPath(source)} to {Path.GetFullPath(args[0])}.");
        return 0;
    }
}
