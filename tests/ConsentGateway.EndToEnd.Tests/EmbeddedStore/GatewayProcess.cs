using ConsentGateway.Testing;

namespace ConsentGateway.EndToEnd.Tests.EmbeddedStore;

/// <summary>
/// The gateway as an operator runs it: <c>dotnet ConsentGateway.Server.dll</c> as a child
/// process, with the configuration <see cref="GatewayServer"/> gives the in-process server (on
/// SQLite unless told otherwise) and its client helpers. It keeps one loopback port across
/// restarts, so clients keep their address; <see cref="Kill"/> is SIGKILL of that process.
/// </summary>
public sealed class GatewayProcess : GatewayServer
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private ChildProcess? _program;

    public int Port { get; } = ChildProcess.FreeLoopbackPort();

    /// <summary>What the running (or last) program wrote so far.</summary>
    public string Output => _program?.Output ?? "(not started)";

    /// <summary>Starts the program and waits until it accepts connections (it opens its store before it listens).</summary>
    public override async Task InitializeAsync()
    {
        _program?.Dispose();
        BaseAddress = new Uri($"http://127.0.0.1:{Port}");
        _program = ServerProgram.Start(["--urls", $"http://127.0.0.1:{Port}", .. ServerArguments()]);
        await _program.WaitUntilListeningAsync("The gateway", Port, StartTimeout, () => _program.Output);
    }

    /// <summary>SIGKILL of the server's process (the <c>dotnet</c> process itself); returns its id.</summary>
    public int Kill()
    {
        var program = _program ?? throw new InvalidOperationException("The gateway is not running.");

        // `dotnet app.dll` runs the app in the dotnet process itself: that process is the server.
        var commandLine = File.ReadAllText($"/proc/{program.Id}/cmdline").Replace('\0', ' ');
        Assert.True(commandLine.Contains(ServerProgram.Dll, StringComparison.Ordinal), $"process {program.Id} is not the server: {commandLine}");
        program.Kill();
        return program.Id;
    }

    public override async Task DisposeAsync()
    {
        _program?.Dispose();
        _program = null;
        await base.DisposeAsync();
    }
}
