using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ConsentGateway.Contracts;
using ConsentGateway.Http;
using ConsentGateway.Server;
using Microsoft.Extensions.Options;
using static ConsentGateway.EndToEnd.Tests.Limits.RateLimitedGateway;

namespace ConsentGateway.EndToEnd.Tests.Limits;

/// <summary>Limits per proxy, per token subject and per source of refused credentials, through real Kestrel.</summary>
public class RateLimitTests(RateLimitedGateway server) : IClassFixture<RateLimitedGateway>
{
    [Fact]
    public async Task A_proxy_over_its_limit_gets_429_with_retry_after_and_another_proxy_is_unaffected()
    {
        using var proxy = server.Proxy();
        for (var i = 0; i < ProxyPermits; i++)
        {
            using var answered = await CheckAsync(proxy);
            Assert.True(answered.StatusCode is HttpStatusCode.OK or HttpStatusCode.Forbidden, $"check {i + 1}: {(int)answered.StatusCode}");
        }

        using (var refused = await CheckAsync(proxy))
        {
            await AssertRateLimitedAsync(refused);
        }

        // Its limit covers every route it calls, not only /check.
        using (var evaluated = await proxy.PostAsync("/api/v1/evaluate", GatewayServer.Json("""{"partner":"google","subject":{"userId":"u1"},"data":["ip_address"]}""")))
        {
            await AssertRateLimitedAsync(evaluated);
        }

        using var other = server.Proxy(server.LimitedProxyKey);
        using var otherAnswer = await CheckAsync(other);
        Assert.True(otherAnswer.StatusCode is HttpStatusCode.OK or HttpStatusCode.Forbidden, $"the other proxy: {(int)otherAnswer.StatusCode}");
    }

    [Fact]
    public async Task A_token_subject_over_its_limit_gets_429_and_another_subject_is_unaffected()
    {
        var greedy = "greedy-" + Guid.NewGuid().ToString("N");
        using var client = server.User(greedy);
        for (var i = 0; i < CallerPermits; i++)
        {
            using var answered = await client.GetAsync($"/api/v1/accounts/{greedy}/partner-sharing");
            Assert.Equal(HttpStatusCode.NotFound, answered.StatusCode);
        }

        using (var refused = await client.GetAsync($"/api/v1/accounts/{greedy}/partner-sharing"))
        {
            await AssertRateLimitedAsync(refused);
        }

        var modest = "modest-" + Guid.NewGuid().ToString("N");
        using var other = server.User(modest);
        using var otherAnswer = await other.GetAsync($"/api/v1/accounts/{modest}/partner-sharing");
        Assert.Equal(HttpStatusCode.NotFound, otherAnswer.StatusCode);
    }

    [Fact]
    public async Task A_source_past_its_refused_credentials_gets_429_unchecked_while_another_source_is_still_checked()
    {
        // A server of its own: the refusals below would otherwise shut this class's other tests out.
        await using var gateway = new Owned(new RateLimitedGateway());
        await gateway.Server.InitializeAsync();
        var wrongKey = "wrong-" + Guid.NewGuid().ToString("N");
        var forged = DevTokens.Create(new AuthOptions { Issuer = GatewayServer.Issuer, Audience = GatewayServer.Audience, SigningKey = new string('x', 48) }, "mallory", [Scopes.Accounts], TimeSpan.FromMinutes(5));
        using var guesser = FromAddress(gateway.Server, IPAddress.Loopback);

        // Wrong keys and a forged token count alike, each answered 401 while under the limit.
        for (var i = 0; i < FailurePermits; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/policy");
            if (i == FailurePermits - 1)
            {
                request.Headers.Authorization = new("Bearer", forged);
            }
            else
            {
                request.Headers.Add(ConsentHeaders.Key, wrongKey);
            }

            using var refused = await guesser.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using (var unchecked_ = await Send(guesser, wrongKey))
        {
            await AssertRateLimitedAsync(unchecked_);
        }

        // From that source even the right key is not checked now; a request without credentials still passes.
        using (var rightKey = await Send(guesser, gateway.Server.ProxyKey))
        {
            await AssertRateLimitedAsync(rightKey);
        }

        using (var health = await guesser.GetAsync(ApiRoutes.HealthLivePath))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        // Another source is checked as ever: its wrong key is a 401, its right key an answer.
        using var neighbour = FromAddress(gateway.Server, IPAddress.Parse("127.0.0.2"));
        using (var wrong = await Send(neighbour, wrongKey))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var right = await Send(neighbour, gateway.Server.ProxyKey);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }

    [Theory]
    [InlineData("Proxy:PermitLimit", "0", "Consent:RateLimits:Proxy:PermitLimit")]
    [InlineData("Caller:PermitLimit", "-1", "Consent:RateLimits:Caller:PermitLimit")]
    [InlineData("FailedAuthentication:Window", "00:00:00", "Consent:RateLimits:FailedAuthentication:Window")]
    [InlineData("Proxy:Window", "2.00:00:00", "Consent:RateLimits:Proxy:Window")]
    public async Task A_bad_limit_stops_the_start_naming_the_setting(string key, string value, string named)
    {
        var settings = new GatewayServer();
        var failure = await Record.ExceptionAsync(async () =>
        {
            await using var app = ConsentServer.Build(["--urls", "http://127.0.0.1:0", .. settings.ServerArguments(), "--" + RateLimitOptions.SectionName + ":" + key, value]);
            await app.StartAsync();
            await app.StopAsync();
        });

        var validation = Assert.IsType<OptionsValidationException>(failure);
        Assert.Contains(named, validation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_limits_leave_room_for_the_measured_load()
    {
        // bench/README.md: ~116,000 checks/s from one proxy, ~7,600 setting changes/s from one account service.
        var limits = new RateLimitOptions();
        Assert.True(limits.Enabled);
        Assert.True(limits.Proxy.PermitLimit / limits.Proxy.Window.TotalSeconds >= 500_000);
        Assert.True(limits.Caller.PermitLimit / limits.Caller.Window.TotalSeconds >= 20_000);
    }

    private static async Task AssertRateLimitedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var retryAfter = Assert.Single(response.Headers.GetValues("Retry-After"));
        Assert.InRange(int.Parse(retryAfter, System.Globalization.CultureInfo.InvariantCulture), 1, (int)Window.TotalSeconds);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(429, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(ProblemCodes.RateLimited, problem.RootElement.GetProperty(ProblemTypes.CodeMember).GetString());
        Assert.Equal(ProblemTypes.Of(ProblemCodes.RateLimited), problem.RootElement.GetProperty("type").GetString());
    }

    private static async Task<HttpResponseMessage> CheckAsync(HttpClient proxy)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/check");
        request.Headers.Add(ConsentHeaders.Partner, RateLimitedGateway.LimitedProxyPartner);
        request.Headers.Add(ConsentHeaders.User, "u-" + Guid.NewGuid().ToString("N"));
        request.Headers.Add(ConsentHeaders.Data, "ip_address");
        return await proxy.SendAsync(request);
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/policy");
        request.Headers.Add(ConsentHeaders.Key, key);
        return client.SendAsync(request);
    }

    /// <summary>A client whose connections come from <paramref name="source"/> (any 127.0.0.0/8 address is this machine's).</summary>
    private static HttpClient FromAddress(GatewayServer server, IPAddress source) =>
        new(new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch (SocketException)
                {
                    socket.Dispose();
                    throw;
                }
            },
        })
        { BaseAddress = server.BaseAddress };

    /// <summary>Disposes a server a test started for itself.</summary>
    private sealed class Owned(GatewayServer server) : IAsyncDisposable
    {
        public GatewayServer Server { get; } = server;

        public async ValueTask DisposeAsync() => await Server.DisposeAsync();
    }
}
