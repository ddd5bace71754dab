using Microsoft.Extensions.Options;

namespace ConsentGateway.Infrastructure.Sqlite;

/// <summary>Checks <see cref="SqliteStorageOptions"/> at start: a bad value stops the start, naming <c>Consent:Storage:SqlitePath</c>.</summary>
public sealed class SqliteStorageOptionsValidator : IValidateOptions<SqliteStorageOptions>
{
    private const string Key = SqliteStorageOptions.SectionName + ":" + nameof(SqliteStorageOptions.SqlitePath);

    public ValidateOptionsResult Validate(string? name, SqliteStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = options.SqlitePath;
        if (string.IsNullOrWhiteSpace(path))
        {
            return ValidateOptionsResult.Fail($"{Key} must name the database file (default {SqliteStorageOptions.DefaultPath}).");
        }

        if (path.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            return ValidateOptionsResult.Fail($"{Key} holds a character no path may hold.");
        }

        if (Path.EndsInDirectorySeparator(path) || Directory.Exists(path))
        {
            return ValidateOptionsResult.Fail($"{Key} '{path}' is a directory: name the database file in it (for example {Path.Combine(path, "consent.db")}).");
        }

        return ValidateOptionsResult.Success;
    }
}
