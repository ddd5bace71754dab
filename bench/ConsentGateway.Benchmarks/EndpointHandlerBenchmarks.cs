using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using ConsentGateway.Contracts;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Policy;
using ConsentGateway.Core.Projection;
using ConsentGateway.Http;
using ConsentGateway.Testing.InMemory;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ConsentGateway.Benchmarks;

/// <summary>
/// What the gateway adds beyond Kestrel, warm: for one <c>/check</c>, the proxy key hash and
/// comparison, header parsing and validation, the cache lookup, the decision and the response
/// headers; for one <c>/evaluate/batch</c> of 1,000, reading, validating, deciding and writing.
/// </summary>
[MemoryDiagnoser]
public class EndpointHandlerBenchmarks
{
    private const int BatchSize = 1000;

    private const string Key = "bench-proxy-key-0123456789";

    private ServiceProvider _services = null!;
    private EvaluationEndpoints _endpoints = null!;
    private DefaultHttpContext _context = null!;
    private byte[] _batchBody = null!;

    /// <summary>
    /// Whether a provider takes decision events at Information (one that drops them): what the
    /// decision log costs the gateway itself, the subject hashes; a real sink adds its own cost.
    /// </summary>
    [Params(false, true)]
    public bool DecisionsLogged { get; set; }

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
        for (var i = 0; i < BatchSize; i++)
        {
            projections.TryPutAccountAsync(new AccountProjection($"u{i}", true, CountryCode.Parse("DE"), new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero), true, 1, 1), null, default).Wait();
        }

        _batchBody = Encoding.UTF8.GetBytes("{\"requests\":[" + string.Join(',', Enumerable.Range(0, BatchSize).Select(i =>
            $$"""{"id":"r{{i}}","partner":"google","subject":{"userId":"u{{i}}"},"data":["ip_address","mobile_ad_id"]}""")) + "]}");
        _services = new ServiceCollection()
            .AddLogging(logging =>
            {
                if (DecisionsLogged)
                {
                    logging.AddProvider(new DroppingLoggerProvider());
                }
            })
            .AddMetrics()
            .AddSingleton<IProjectionStore>(projections)
            .AddSingleton<IAccountStore, InMemoryAccountStore>()
            .AddSingleton<IDeviceStore, InMemoryDeviceStore>()
            .AddConsentCore(configuration)
            .AddConsentHttp(configuration)
            .BuildServiceProvider();
        _endpoints = _services.GetRequiredService<EvaluationEndpoints>();
        _context = new DefaultHttpContext();
        var headers = _context.Request.Headers;
        headers[ConsentHeaders.Key] = Key;
        headers[ConsentHeaders.Partner] = "google";
        headers[ConsentHeaders.User] = "u1";
        headers[ConsentHeaders.Data] = "ip_address,mobile_ad_id";
        Check().AsTask().Wait();
        Batch().AsTask().Wait();
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

    [Benchmark(Description = "batch of 1,000, warm: read, validate, decide, write JSON")]
    public async ValueTask<long> Batch()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers[ConsentHeaders.Key] = Key;
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = _batchBody.Length;
        context.Request.Body = new MemoryStream(_batchBody, writable: false);
        context.Response.Body = Stream.Null;
        var result = await _endpoints.EvaluateBatchAsync(context);
        await result.ExecuteAsync(context);
        return context.Response.StatusCode;
    }
}
