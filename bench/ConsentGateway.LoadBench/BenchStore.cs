namespace ConsentGateway.LoadBench;

/// <summary>Which store a benchmark runs the gateway on: chosen on the command line (<c>--store</c>), never by the server's default.</summary>
internal enum BenchStore
{
    /// <summary>A fresh SQLite file in the temp directory, deleted after the run; no Azurite is started.</summary>
    Sqlite,

    /// <summary>Table Storage on an in-memory Azurite started for the run.</summary>
    Table,
}
