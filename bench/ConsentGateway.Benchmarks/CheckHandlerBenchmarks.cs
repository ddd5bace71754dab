using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using ConsentGateway.Core;
using ConsentGateway.Core.Policy;
using ConsentGateway.Core.Propagation;
using ConsentGateway.Http;
using ConsentGateway.Testing.InMemory;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentGateway.Benchmarks;

/// <summary>
/// What the gateway adds to one <c>/check</c> beyond Kestrel: proxy key hash and comparison,
/// header parsing and validation, the warm cache lookup, the decision, and the response headers.
/// </summary>
[MemoryDiagnoser]
public class CheckHandlerBenchmarks
{
    private const string Key = "bench-proxy-key-0123456789";

    private ServiceProvider _services = null!;
    private EvaluationEndpoints _endpoints = null!;
    private DefaultHttpContext _context = null!;

    [GlobalSetup]
    public void Setup()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Consent:Proxies:bench:KeySha256"] = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Key))),
            ["Consent:Proxies:bench:Partners"] = "*",
            ["Consent:Propagation:StalenessBound"] = "01:00:00",
            ["Consent:Evaluation:SubjectHashKey"] = "bench-subject-hash-key",
        }).Build();
        var projections = new InMemoryProjectionStore();
        projections.TryPutAccountAsync(new AccountProjection("u1", true, CountryCode.Parse("DE"), new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero), true, 1, 1), null, default).Wait();
        _services = new ServiceCollection()
            .AddLogging()
            .AddMetrics()
            .AddSingleton<IProjectionStore>(projections)
            .AddConsentCore(configuration)
            .AddConsentHttp(configuration)
            .BuildServiceProvider();
        _endpoints = _services.GetRequiredService<EvaluationEndpoints>();
        _context = new DefaultHttpContext();
        var headers = _context.Request.Headers;
        headers["X-Consent-Key"] = Key;
        headers["X-Consent-Partner"] = "google";
        headers["X-Consent-User"] = "u1";
        headers["X-Consent-Data"] = "ip_address,mobile_ad_id";
        Check().AsTask().Wait();
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Description = "check, warm: authenticate, parse, decide, write headers")]
    public async ValueTask<int> Check()
    {
        var result = await _endpoints.CheckAsync(_context);
        await result.ExecuteAsync(_context);
        return _context.Response.StatusCode;
    }
}
