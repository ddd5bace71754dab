using ConsentGateway.Testing;

namespace ConsentGateway.EndToEnd.Tests.EmbeddedStore;

/// <summary>
/// The server program built beside the tests (ConsentGateway.Server.dll with its runtimeconfig
/// and deps, copied as a referenced program), run with <c>dotnet</c> as an operator runs it. The
/// program runs in the <c>dotnet</c> process itself, so killing that process kills the server.
/// </summary>
public static class ServerProgram
{
    /// <summary>How long a program that should stop at once may take (a loaded machine starts <c>dotnet</c> slowly).</summary>
    public static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    public static string Dll { get; } = Path.Combine(AppContext.BaseDirectory, "ConsentGateway.Server.dll");

    /// <summary>The <c>dotnet</c> running these tests, else the one on PATH.</summary>
    public static string Dotnet { get; } =
        Environment.ProcessPath is { } running && Path.GetFileNameWithoutExtension(running) == "dotnet" ? running
        : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : "dotnet";

    /// <summary>Starts <c>dotnet ConsentGateway.Server.dll ARGUMENTS</c> in <paramref name="workingDirectory"/> (the temporary directory by default).</summary>
    public static ChildProcess Start(IEnumerable<string> arguments, string? workingDirectory = null) =>
        ChildProcess.Start(Dotnet, [Dll, .. arguments], workingDirectory ?? Path.GetTempPath());

    /// <summary>
    /// Runs a gateway with <paramref name="configuration"/>'s settings (then <paramref name="extra"/>
    /// ones, which win) on a free port of its own, to its end: for starts that must fail.
    /// </summary>
    public static Task<ProgramRun> RunGatewayAsync(GatewayServer configuration, params string[] extra) =>
        RunAsync(["--urls", $"http://127.0.0.1:{ChildProcess.FreeLoopbackPort()}", .. configuration.ServerArguments(), .. extra]);

    /// <summary>Runs the program to its end; a program still running after <see cref="ExitTimeout"/> is killed and fails the test.</summary>
    public static async Task<ProgramRun> RunAsync(IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var line = string.Join(' ', arguments);
        using var program = Start(arguments, workingDirectory);
        Assert.True(await program.WaitForExitAsync(ExitTimeout), $"`dotnet ConsentGateway.Server.dll {line}` still runs after {ExitTimeout.TotalSeconds} s. Output: {program.Output}");
        return new ProgramRun(line, program.ExitCode, program.Output);
    }
}
