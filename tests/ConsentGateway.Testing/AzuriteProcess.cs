using System.Globalization;
using Xunit;

namespace ConsentGateway.Testing;

/// <summary>
/// One Azurite service (<c>azurite-table</c>, <c>azurite-blob</c>) on a free loopback port, in
/// memory, for integration tests; the process tree is killed on dispose. The services differ
/// only in their binary, their flags and their connection string key.
/// </summary>
public abstract class AzuriteProcess : IAsyncLifetime
{
    /// <summary>Azurite's account name.</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>How long Azurite may take to accept connections.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    // Azurite's fixed development key, published in Microsoft's documentation: not a secret.
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    // A port found free may be taken by another process before Azurite binds it: try another.
    private const int PortAttempts = 3;

    private readonly string _service;
    private ChildProcess? _process;
    private int _port;
    private bool _exitedEarly;

    /// <param name="service">Azurite's name of the service: <c>table</c> or <c>blob</c>.</param>
    protected AzuriteProcess(string service) => _service = service;

    /// <summary>The connection string of the running emulator.</summary>
    public string ConnectionString =>
        _process is null
            ? throw new InvalidOperationException($"Azurite is not started: use {GetType().Name} as a fixture, or await InitializeAsync() first.")
            : string.Create(CultureInfo.InvariantCulture, $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};{char.ToUpperInvariant(_service[0])}{_service[1..]}Endpoint=http://127.0.0.1:{_port}/{AccountName};");

    /// <summary>Where <c>npm ci</c> puts this service's binary, below the folder holding ConsentFunctions.sln.</summary>
    public string BinaryPath => Path.Combine(Repository.Root, "node_modules", ".bin", "azurite-" + _service);

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

    /// <summary>Kills the emulator and starts a new one on the same port: the store comes back empty (an in-memory store's restart).</summary>
    public async Task RestartEmptyAsync()
    {
        Stop();
        await StartAsync().ConfigureAwait(false);
    }

    public Task DisposeAsync()
    {
        Stop();
        return Task.CompletedTask;
    }

    private async Task StartAsync()
    {
        string[] arguments = ["--inMemoryPersistence", $"--{_service}Host", "127.0.0.1", $"--{_service}Port", _port.ToString(CultureInfo.InvariantCulture), "--skipApiVersionCheck", "--disableProductStyleUrl", "--silent"];
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

    private void Stop()
    {
        _process?.Dispose();
        _process = null;
    }
}
