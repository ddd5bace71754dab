using System.CommandLine;
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

    public const string Usage = $"Usage: {Name} FILE [--Consent:Storage:SqlitePath DATABASE]   (FILE must not exist yet)";

    public static Command Create(IReadOnlyList<string> settings)
    {
        var file = new Argument<string>("FILE") { Description = "The new file to copy the store into; it must not exist yet." };
        file.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } value && value.StartsWith('-'))
            {
                result.AddError($"'{value}' is not a file name: give FILE first.");
            }
        });

        var command = new Command(Name, "Copy the SQLite store (Consent:Storage:SqlitePath) into FILE while the gateway may go on serving.") { file };
        command.SetAction(result => Run(result.GetValue(file)!, settings));
        return command;
    }

    private static int Run(string target, IReadOnlyList<string> settings)
    {
        var configuration = CommandConfiguration.Build(settings);
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
            SqliteDatabase.BackUp(source, target);
        }
        catch (SqliteStoreFileException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 1;
        }

        Console.WriteLine($"Backed up {Path.GetFullPath(source)} to {Path.GetFullPath(target)}.");
        return 0;
    }
}
