namespace ConsentGateway.Infrastructure.Sqlite;

/// <summary>Where the self-host's embedded store lives, bound from <c>Consent:Storage</c> and validated at start by <see cref="SqliteStorageOptionsValidator"/>.</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>The configuration section the options are bound from (shared with the Table Storage settings).</summary>
    public const string SectionName = "Consent:Storage";

    /// <summary>The default file, relative to the working directory (<c>./run.sh</c> runs from the repository root, and <c>.data/</c> is ignored by git).</summary>
    public const string DefaultPath = ".data/consent.db";

    /// <summary>The database file; a relative path is taken from the working directory. Created, with its directory, on first start.</summary>
    public string SqlitePath { get; set; } = DefaultPath;
}
