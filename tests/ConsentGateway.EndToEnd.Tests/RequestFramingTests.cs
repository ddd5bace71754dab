using System.Net.Sockets;
using System.Text;
using ConsentGateway.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ConsentGateway.EndToEnd.Tests;

/// <summary>
/// Requests whose framing is wrong, written byte by byte to the self-host's real Kestrel over a
/// socket, as an attacker would: a malformed chunk size, a 40 KB trailer, a body that stalls
/// below the minimum data rate. Each gets its 4xx problem, never a 500, and one quiet log line
/// without a stack trace.
/// </summary>
public sealed class RequestFramingTests : IAsyncLifetime, IDisposable
{
    private const string UserId = "u-framing";
    private readonly CapturedLogs _logs = new();
    private readonly GatewayServer _server;

    public RequestFramingTests()
    {
        _server = new GatewayServer { LogLevel = nameof(LogLevel.Information), OverrideServices = services => services.AddSingleton<ILoggerProvider>(_logs) };
    }

    public static TheoryData<string, string, string> Endpoints() => new()
    {
        // endpoint, fault, expected status line
        { "setting", "malformed chunk size", "HTTP/1.1 400 " },
        { "evaluate", "malformed chunk size", "HTTP/1.1 400 " },
        { "setting", "40 KB trailer", "HTTP/1.1 431 " },
        { "evaluate", "40 KB trailer", "HTTP/1.1 431 " },
        { "setting", "stalled body", "HTTP/1.1 408 " },
        { "evaluate", "stalled body", "HTTP/1.1 408 " },
    };

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        await _server.CreateAccountAsync("DE", userId: UserId);
    }

    public Task DisposeAsync() => _server.DisposeAsync();

    public void Dispose() => _logs.Dispose();

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Bad_framing_gets_a_4xx_problem_and_a_log_line_without_a_stack_trace(string endpoint, string fault, string statusLine)
    {
        var head = endpoint == "setting"
            ? $"PUT /api/v1/accounts/{UserId}/partner-sharing HTTP/1.1\r\nAuthorization: Bearer {_server.Token(UserId, Http.Scopes.User)}\r\n"
            : $"POST /api/v1/evaluate HTTP/1.1\r\nX-Consent-Key: {_server.ProxyKey}\r\n";
        var (framing, body) = fault switch
        {
            "malformed chunk size" => ("Transfer-Encoding: chunked\r\n", "ZZ\r\n{}\r\n0\r\n\r\n"),
            "40 KB trailer" => ("Transfer-Encoding: chunked\r\n", $"2\r\n{{}}\r\n0\r\nX-Pad: {new string('a', 40 * 1024)}\r\n\r\n"),
            _ => ("Content-Length: 200\r\n", "{\"enabled\":"),
        };
        var request = head + $"Host: 127.0.0.1\r\nContent-Type: application/json\r\n{framing}\r\n{body}";
        var before = _logs.Events.Count;

        var answer = await SendRawAsync(request);

        Assert.StartsWith(statusLine, answer, StringComparison.Ordinal);
        Assert.Contains("application/problem+json", answer, StringComparison.Ordinal);
        var logged = _logs.Events.Skip(before).ToList();
        Assert.Single(logged, line => line.Contains("Refused a request Kestrel could not read", StringComparison.Ordinal));
        Assert.DoesNotContain(logged, line => line.Contains("   at ", StringComparison.Ordinal) || line.StartsWith("Error", StringComparison.Ordinal) || line.StartsWith("Critical", StringComparison.Ordinal));
    }

    // The request's bytes, then everything the server answers until it closes the connection (it does after a bad request).
    private async Task<string> SendRawAsync(string request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(_server.BaseAddress.Host, _server.BaseAddress.Port);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            {
                answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
        }
        catch (SocketException) when (answer.Length > 0)
        {
            // A reset after the answer: the server dropped the rest of a request it refused.
        }

        return answer.ToString();
    }
}
