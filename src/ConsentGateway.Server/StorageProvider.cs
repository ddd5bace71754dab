namespace ConsentGateway.Server;

/// <summary>Which store the self-host runs on: <c>Consent:Storage:Provider</c>.</summary>
public enum StorageProvider
{
    /// <summary>The durable embedded default: one SQLite file (<c>Consent:Storage:SqlitePath</c>).</summary>
    Sqlite,

    /// <summary>Azure Table Storage, or Azurite locally (<c>Consent:Storage:ConnectionString</c> or <c>ServiceUri</c>).</summary>
    TableStorage,
}
