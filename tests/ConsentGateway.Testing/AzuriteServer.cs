using Azure.Data.Tables;
using Xunit;

namespace ConsentGateway.Testing;

/// <summary>
/// A real Azurite Table service on a free loopback port, in memory, for integration tests;
/// the process tree is killed on dispose. Share one per test project as an xunit collection
/// fixture: the collection definition must live in the test assembly itself, e.g.
/// <code>
/// [CollectionDefinition(Name)]
/// public sealed class SharedAzurite : ICollectionFixture&lt;AzuriteServer&gt; { public const string Name = "Azurite"; }
/// </code>
/// and each test class is marked <c>[Collection(SharedAzurite.Name)]</c> and takes an
/// <see cref="AzuriteServer"/> in its constructor. Tests isolate themselves with their own
/// tables (<see cref="CreateTableAsync"/>, <see cref="UniqueTableName"/>).
/// </summary>
public sealed class AzuriteServer : IAsyncLifetime
{
    /// <summary>Azurite's account name.</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>How long Azurite may take to accept connections.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    // Azurite's fixed development key, published in Microsoft's documentation: not a secret.
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    // A port found free may be taken by another process before Azurite binds it: try another.
    private const int PortAttempts = 3;

    private ChildProcess? _process;
    private int _port;
    private bool _exitedEarly;

    /// <summary>The connection string of the running emulator.</summary>
    public string ConnectionString =>
        _process is null
            ? throw new InvalidOperationException("Azurite is not started: use AzuriteServer as a fixture, or await InitializeAsync() first.")
            : $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};TableEndpoint=http://127.0.0.1:{_port}/{AccountName};";

    /// <summary>Where <c>npm ci</c> puts the Azurite table binary, below the folder holding ConsentFunctions.sln.</summary>
    public static string BinaryPath => Path.Combine(Repository.Root, "node_modules", ".bin", "azurite-table");

    /// <summary>A fresh table name, <paramref name="prefix"/> and 12 random hex digits, so tests never see each other's rows.</summary>
    public static string UniqueTableName(string prefix)
    {
        if (prefix.Length is 0 or > 40 || !char.IsAsciiLetter(prefix[0]) || !prefix.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException("A table name prefix is 1-40 letters or digits, starting with a letter.", nameof(prefix));
        }

        return prefix + Guid.NewGuid().ToString("N")[..12];
    }

    public TableServiceClient CreateServiceClient() => new(ConnectionString);

    /// <summary>Creates a table named <see cref="UniqueTableName"/>(<paramref name="prefix"/>) and returns its client.</summary>
    public async Task<TableClient> CreateTableAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var table = CreateServiceClient().GetTableClient(UniqueTableName(prefix));
        await table.CreateAsync(cancellationToken).ConfigureAwait(false);
        return table;
    }

    public async Task InitializeAsync()
    {
        var binary = BinaryPath;
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException($"Azurite is not installed: '{binary}' does not exist. Run `npm ci` at the repository root (or ./test.sh, which does it when needed).");
        }

        for (var attempt = 1; ; attempt++)
        {
            _port = ChildProcess.FreeLoopbackPort();
            try
            {
                await StartAsync().ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
            {
                // An early exit most likely means the port was taken in between: try another one.
                if (!_exitedEarly || attempt == PortAttempts)
                {
                    throw;
                }
            }
        }
    }

    /// <summary>Kills the emulator and starts a new one on the same port: the store comes back empty, without its tables (an in-memory store's restart).</summary>
    public async Task RestartEmptyAsync()
    {
        Stop();
        await StartAsync().ConfigureAwait(false);
    }

    private async Task StartAsync()
    {
        string[] arguments = ["--inMemoryPersistence", "--tableHost", "127.0.0.1", "--tablePort", _port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--skipApiVersionCheck", "--disableProductStyleUrl", "--silent"];
        var process = _process = ChildProcess.Start(BinaryPath, arguments, Path.GetTempPath());
        try
        {
            await process.WaitUntilListeningAsync("Azurite", _port, StartTimeout, () => $"Its output:{Environment.NewLine}{process.Output}").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            _exitedEarly = process.HasExited;
            Stop();
            throw;
        }
    }

    public Task DisposeAsync()
    {
        Stop();
        return Task.CompletedTask;
    }

    private void Stop()
    {
        _process?.Dispose();
        _process = null;
    }
}
