using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using ConsentGateway.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentGateway.Benchmarks;

/// <summary>
/// Client evaluations answered from its warm cache (issue ".NET client …": evaluations per
/// second with a warm cache): the key of the question, the lookup and the ttl check. The
/// gateway behind it is a handler answering once; every measured call is a cache hit.
/// </summary>
[MemoryDiagnoser]
public class ClientBenchmarks
{
    private const string Answer = """{"decision":"allow","allowed":["ip_address","mobile_ad_id"],"denied":[],"reasons":["SETTING_ENABLED"],"partnership":"ad-platforms","policyVersion":"2020-04-06","consentVersion":1,"decisionId":"01a22925-a14c-741a-8ddc-83b9927da8d6","ttlSeconds":3600}""";

    private readonly ConsentQuestion _question = new() { Partner = "google", UserId = "u1", Data = ["ip_address", "mobile_ad_id"] };
    private ServiceProvider _services = null!;
    private IConsentGatewayClient _client = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddConsentGatewayClient(options =>
        {
            options.BaseAddress = new Uri("http://gateway.invalid/");
            options.ProxyKey = "bench-key";
        }).ConfigurePrimaryHttpMessageHandler(() => new AnsweringHandler());
        _services = services.BuildServiceProvider();
        _client = _services.GetRequiredService<IConsentGatewayClient>();
        if (!_client.EvaluateAsync(_question).Result.IsAllowed("ip_address"))
        {
            throw new InvalidOperationException("The warm-up call was not answered.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Description = "EvaluateAsync, warm cache")]
    public Task<ConsentResult> Evaluate() => _client.EvaluateAsync(_question);

    private sealed class AnsweringHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(Answer, Encoding.UTF8, "application/json") });
    }
}
