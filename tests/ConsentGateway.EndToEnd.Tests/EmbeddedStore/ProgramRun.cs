namespace ConsentGateway.EndToEnd.Tests.EmbeddedStore;

/// <summary>A run of the server program that ended: its arguments, exit code and everything it wrote (stdout and stderr).</summary>
public sealed record ProgramRun(string Arguments, int ExitCode, string Output)
{
    public override string ToString() => $"`{Arguments}` exited with {ExitCode}: {Output}";
}
