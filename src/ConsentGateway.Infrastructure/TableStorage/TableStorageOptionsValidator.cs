using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Infrastructure.TableStorage;

/// <summary>Checks <see cref="TableStorageOptions"/> at start; every message names the setting at fault.</summary>
internal sealed class TableStorageOptionsValidator : IValidateOptions<TableStorageOptions>
{
    private const string Prefix = TableStorageOptions.SectionName + ":";

    /// <summary>A write that cannot reach the store answers 503 within 2 s (SPEC §4): one store call must give up sooner.</summary>
    internal static readonly TimeSpan MaxCallTime = TimeSpan.FromSeconds(2);

    public ValidateOptionsResult Validate(string? name, TableStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        var tables = options.Tables();
        for (var i = 0; i < tables.Count; i++)
        {
            CheckTableName(tables[i].Name, tables[i].Setting, failures);
            for (var j = 0; j < i; j++)
            {
                if (string.Equals(tables[j].Name, tables[i].Name, StringComparison.OrdinalIgnoreCase))
                {
                    failures.Add($"{Prefix}{tables[j].Setting} and {Prefix}{tables[i].Setting} must name two different tables (table names are case-insensitive).");
                }
            }
        }

        CheckRetries(options, failures);

        if (options.ServiceUri is { } serviceUri)
        {
            if (!serviceUri.IsAbsoluteUri || serviceUri.Scheme != Uri.UriSchemeHttps)
            {
                failures.Add($"{Prefix}{nameof(options.ServiceUri)} must be the absolute https address of the table endpoint, e.g. https://myaccount.table.core.windows.net/ (identity-based access needs TLS).");
            }
        }
        else
        {
            CheckConnectionString(options.ConnectionString, failures);
            foreach (var (setting, value) in new[] { (nameof(options.Credential), options.Credential), (nameof(options.ClientId), options.ClientId) })
            {
                if (!string.IsNullOrEmpty(value))
                {
                    failures.Add($"{Prefix}{setting} is set but {Prefix}{nameof(options.ServiceUri)} is not: the identity is used only for identity-based access, so the connection string would be used instead.");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Azure table names: 3-63 ASCII letters or digits, starting with a letter; "tables" is reserved.</summary>
    private static bool IsValidTableName(string? tableName) =>
        tableName is { Length: >= 3 and <= 63 }
        && char.IsAsciiLetter(tableName[0])
        && tableName.All(char.IsAsciiLetterOrDigit)
        && !string.Equals(tableName, "tables", StringComparison.OrdinalIgnoreCase);

    private static void CheckTableName(string? tableName, string setting, List<string> failures)
    {
        if (!IsValidTableName(tableName))
        {
            failures.Add($"{Prefix}{setting} is '{tableName}', which is not a valid Azure table name: 3 to 63 letters or digits, starting with a letter ('tables' is reserved).");
        }
    }

    private static void CheckRetries(TableStorageOptions options, List<string> failures)
    {
        var before = failures.Count;
        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{Prefix}{nameof(options.RequestTimeout)} is {options.RequestTimeout}: it must be positive.");
        }

        if (options.MaxRetries is < 0 or > 10)
        {
            failures.Add($"{Prefix}{nameof(options.MaxRetries)} is {options.MaxRetries}: it must be between 0 and 10.");
        }

        if (options.RetryDelay < TimeSpan.Zero)
        {
            failures.Add($"{Prefix}{nameof(options.RetryDelay)} is {options.RetryDelay}: it must not be negative.");
        }

        if (failures.Count == before && options.WorstCallTime() > MaxCallTime)
        {
            failures.Add(
                $"{Prefix}{nameof(options.RequestTimeout)} × ({Prefix}{nameof(options.MaxRetries)} + 1) + {Prefix}{nameof(options.RetryDelay)} × {Prefix}{nameof(options.MaxRetries)} " +
                $"is {options.WorstCallTime()}: a store call must give up within {MaxCallTime} so that a write that cannot reach the store answers 503 in time (SPEC §4).");
        }
    }

    private static void CheckConnectionString(string? connectionString, List<string> failures)
    {
        const string Setting = Prefix + nameof(TableStorageOptions.ConnectionString);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            failures.Add($"{Setting} is empty: set it, or set {Prefix}{nameof(TableStorageOptions.ServiceUri)} for identity-based access.");
            return;
        }

        try
        {
            // Parses only; no request is sent.
            _ = new TableServiceClient(connectionString);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            // The value is not shown: it may hold an account key.
            failures.Add($"{Setting} is not a valid storage connection string ({ex.GetType().Name}).");
        }
    }
}
