using System.Collections.Concurrent;
using System.Text.Json;
using ConsentGateway.Client;
using ConsentGateway.Contracts;
using ConsentGateway.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ConsentGateway.EgressProxy.Tests;

/// <summary>A gateway client that answers what the test tells it, and records every question.</summary>
internal sealed class FakeConsentGateway : IConsentGatewayClient
{
    public static readonly Guid DecisionId = Guid.Parse("0190f0a0-0000-7000-8000-000000000001");

    public ConcurrentQueue<ConsentQuestion> Questions { get; } = new();

    /// <summary>The answer to each question; by default every item is allowed.</summary>
    public Func<ConsentQuestion, ConsentResult> Answer { get; set; } = question => Decide(question);

    /// <summary>A gateway-shaped answer: <paramref name="denied"/> items denied with their reasons, the rest allowed.</summary>
    public static ConsentResult Decide(ConsentQuestion question, params (string Data, string Reason)[] denied)
    {
        var allowed = question.Data.Where(item => denied.All(d => d.Data != item)).ToList();
        return new ConsentResult
        {
            Decision = denied.Length == 0 ? "allow" : allowed.Count == 0 ? "deny" : "partial",
            Allowed = allowed,
            Denied = [.. denied.Where(d => question.Data.Contains(d.Data)).Select(d => new ConsentDenial(d.Data, d.Reason))],
            Reasons = denied.Length == 0 ? ["SETTING_ENABLED"] : [.. denied.Select(d => d.Reason).Distinct()],
            Partnership = "ad-platforms",
            PolicyVersion = "2020-04-06",
            DecisionId = DecisionId,
            TtlSeconds = 1,
        };
    }

    public Task<ConsentResult> EvaluateAsync(ConsentQuestion question, CancellationToken cancellationToken = default)
    {
        Questions.Enqueue(question);
        return Task.FromResult(Answer(question));
    }

    public Task<IReadOnlyList<ConsentResult>> EvaluateBatchAsync(IReadOnlyList<ConsentQuestion> questions, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The proxy asks one question per request.");

    /// <summary>The policy the proxy reads at start; by default one that knows every name of the test routes.</summary>
    public Func<PolicyResponse> Policy { get; set; } = () => KnownPolicy;

    public static PolicyResponse KnownPolicy { get; } = new("2020-04-06", JsonSerializer.SerializeToElement(new
    {
        neverShared = new[] { "email" },
        partnerships = new[]
        {
            new { id = "ad-platforms", data = new[] { "ip_address", "mobile_ad_id" } },
            new { id = "app-campaign-measurement", data = new[] { "ad_interactions", "mobile_ad_id" } },
        },
        partners = new[]
        {
            new { id = "google", partnership = "ad-platforms", role = "controller" },
            new { id = "facebook", partnership = "ad-platforms", role = "controller" },
            new { id = "example-advertiser", partnership = "app-campaign-measurement", role = "advertiser" },
            new { id = "example-processor", partnership = "app-campaign-measurement", role = "processor" },
        },
    }));

    public Task<PolicyResponse> GetPolicyAsync(CancellationToken cancellationToken = default) => Task.FromResult(Policy());
}

/// <summary>
/// The egress proxy on real Kestrel (a free loopback port), in front of a recording stub partner,
/// with a <see cref="FakeConsentGateway"/> instead of the gateway. Routes:
/// <c>/google/…</c> (strict; user id from <c>X-User-Id</c>, device id and country from the body; the
/// partner gets the decision id and <c>X-Partner-Api-Key</c>) and <c>/lenient/…</c>
/// (example-advertiser via example-processor, not strict, user id from the body, content headers only).
/// </summary>
internal sealed class ProxyUnderTest : IAsyncDisposable
{
    public const int MaxBodyBytes = 4096;

    private readonly WebApplication _app;

    private ProxyUnderTest(WebApplication app, RecordingServer partner, FakeConsentGateway gateway, CapturedLogs logs)
    {
        _app = app;
        Partner = partner;
        Gateway = gateway;
        Logs = logs;
    }

    public RecordingServer Partner { get; }

    public FakeConsentGateway Gateway { get; }

    public CapturedLogs Logs { get; }

    public HttpClient Client { get; private set; } = null!;

    public static IEnumerable<string> Arguments(Uri partner) =>
    [
        "--urls", "http://127.0.0.1:0",
        "--Logging:LogLevel:Default", "Warning",
        "--Logging:LogLevel:ConsentGateway", "Information",
        "--ConsentGateway:BaseAddress", "http://127.0.0.1:9/",
        "--ConsentGateway:ProxyKey", "not-used-by-the-fake",
        "--ConsentProxy:MaxBodyBytes", MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--ReverseProxy:Clusters:partner:Destinations:stub:Address", partner.AbsoluteUri,
        "--ReverseProxy:Routes:google:ClusterId", "partner",
        "--ReverseProxy:Routes:google:Match:Path", "/google/{**rest}",
        "--ReverseProxy:Routes:google:Transforms:0:PathRemovePrefix", "/google",
        "--ConsentProxy:Routes:google:Partner", "google",
        "--ConsentProxy:Routes:google:UserId:Header", "X-User-Id",
        "--ConsentProxy:Routes:google:DeviceAdId:JsonPath", "$.device.adId",
        "--ConsentProxy:Routes:google:Country:JsonPath", "$.country",
        "--ConsentProxy:Routes:google:Fields:0:Path", "$.ip",
        "--ConsentProxy:Routes:google:Fields:0:Data", "ip_address",
        "--ConsentProxy:Routes:google:Fields:1:Path", "$.device.adId",
        "--ConsentProxy:Routes:google:Fields:1:Data", "mobile_ad_id",
        "--ConsentProxy:Routes:google:Fields:2:Path", "$.user.email",
        "--ConsentProxy:Routes:google:Fields:2:Data", "email",
        "--ConsentProxy:Routes:google:Fields:3:Path", "$.events[*].ip",
        "--ConsentProxy:Routes:google:Fields:3:Data", "ip_address",
        "--ConsentProxy:Routes:google:PassThrough:0", "$.event",
        "--ConsentProxy:Routes:google:PassThrough:1", "$.country",
        "--ConsentProxy:Routes:google:PassThrough:2", "$.events[*].name",
        "--ConsentProxy:Routes:google:ForwardHeaders:0", "X-Consent-Decision-Id",
        "--ConsentProxy:Routes:google:ForwardHeaders:1", "X-Partner-Api-Key",
        "--ReverseProxy:Routes:lenient:ClusterId", "partner",
        "--ReverseProxy:Routes:lenient:Match:Path", "/lenient/{**rest}",
        "--ConsentProxy:Routes:lenient:Partner", "example-advertiser",
        "--ConsentProxy:Routes:lenient:Via", "example-processor",
        "--ConsentProxy:Routes:lenient:UserId:JsonPath", "$.userId",
        "--ConsentProxy:Routes:lenient:Strict", "false",
        "--ConsentProxy:Routes:lenient:Fields:0:Path", "$.ads",
        "--ConsentProxy:Routes:lenient:Fields:0:Data", "ad_interactions",
    ];

    public static async Task<ProxyUnderTest> StartAsync() => await StartAsync(await RecordingServer.StartPartnerAsync());

    /// <summary>The proxy in front of <paramref name="partner"/>, which it then owns; <paramref name="overrides"/> are further command-line settings.</summary>
    public static async Task<ProxyUnderTest> StartAsync(RecordingServer partner, params string[] overrides)
    {
        var gateway = new FakeConsentGateway();
        var logs = new CapturedLogs();
        var app = EgressProxyServer.Build([.. Arguments(partner.BaseAddress), .. overrides], services =>
        {
            services.AddSingleton<IConsentGatewayClient>(gateway);
            services.AddSingleton<ILoggerProvider>(logs);
        });
        await app.StartAsync();
        var proxy = new ProxyUnderTest(app, partner, gateway, logs);
        var address = app.Urls.Single();
        proxy.Client = new HttpClient { BaseAddress = new Uri(address) };
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Partner.DisposeAsync();
    }
}
