using System.Net;
using System.Net.Sockets;
using ConsentGateway.Testing;

namespace ConsentGateway.EndToEnd.Tests.EmbeddedStore;

/// <summary>
/// A gateway started on an address another process listens on (a second <c>./run.sh</c>, a
/// gateway left running) stops at once with exit code 1 and one line naming the address, not an
/// unhandled exception, a stack trace and an abort.
/// </summary>
public sealed class AddressInUseTests
{
    [Fact]
    public async Task A_gateway_on_an_address_in_use_says_so_in_one_line_and_exits_1()
    {
        var port = ChildProcess.FreeLoopbackPort();
        using var occupant = new TcpListener(IPAddress.Loopback, port);
        occupant.Start();
        var configuration = new GatewayServer();

        var run = await ServerProgram.RunGatewayAsync(configuration, "--urls", $"http://127.0.0.1:{port}");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"The gateway did not start: Failed to bind to address http://127.0.0.1:{port}: address already in use.", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", run.Output, StringComparison.Ordinal);
    }
}
