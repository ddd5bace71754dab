using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using ConsentGateway.Contracts;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Policy;
using ConsentGateway.Core.Projection;
using ConsentGateway.Testing.InMemory;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ConsentGateway.Http.Tests;

/// <summary>
/// The warm <c>/check</c> path, counted in bytes on the calling thread around a check that
/// completes synchronously (a subject held in memory), with the decision counter listened to.
/// </summary>
public sealed class CheckAllocationTests : IDisposable
{
    private const string Key = "allocation-test-proxy-key";

    private readonly ServiceProvider _services;
    private readonly MeterListener _listener = new();
    private readonly EvaluationEndpoints _endpoints;
    private readonly DefaultHttpContext _context = new();

    public CheckAllocationTests()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Consent:Proxies:test:KeySha256"] = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Key))),
            ["Consent:Proxies:test:Partners"] = "*",
            ["Consent:Evaluation:SubjectHashKey"] = "allocation-test-subject-hash-key",
        }).Build();
        var projections = new InMemoryProjectionStore();
        projections.TryPutAccountAsync(new AccountProjection("u1", true, CountryCode.Parse("DE"), new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero), true, 1, 1), null, default).Wait();

        // A fixed clock: the ttl, and so its header values, stay the same from one check to the next.
        _services = new ServiceCollection()
            .AddLogging()
            .AddMetrics()
            .AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)))
            .AddSingleton<IProjectionStore>(projections)
            .AddSingleton<IAccountStore, InMemoryAccountStore>()
            .AddSingleton<IDeviceStore, InMemoryDeviceStore>()
            .AddConsentCore(configuration)
            .AddConsentHttp(configuration)
            .BuildServiceProvider();
        _endpoints = _services.GetRequiredService<EvaluationEndpoints>();

        // This test's meter only: other tests count decisions at the same time.
        var meters = _services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == EvaluationMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, meters))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(static (_, _, _, _) => { });
        _listener.Start();

        var headers = _context.Request.Headers;
        headers[ConsentHeaders.Key] = Key;
        headers[ConsentHeaders.Partner] = "google";
        headers[ConsentHeaders.User] = "u1";
        headers[ConsentHeaders.Data] = "ip_address,mobile_ad_id";
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    [OptimizedBuildFact]
    public void A_warm_check_allocates_only_its_decision_id_header()
    {
        // The first checks read the subject and make the strings every later answer shares.
        for (var i = 0; i < 3; i++)
        {
            Check();
        }

        var previousId = _context.Response.Headers[ConsentHeaders.DecisionId].ToString();
        var idBytes = AllocatedBy(static () => Guid.NewGuid().ToString());

        var allocated = AllocatedBy(Check);

        var response = _context.Response;
        Assert.Equal((StatusCodes.Status200OK, "allow"), (response.StatusCode, response.Headers[ConsentHeaders.Decision].ToString()));
        Assert.NotEqual(previousId, response.Headers[ConsentHeaders.DecisionId].ToString());
        Assert.Equal(idBytes, allocated);
    }

    private void Check()
    {
        var checking = _endpoints.CheckAsync(_context);
        Assert.True(
            checking.IsCompletedSuccessfully && checking.Result.ExecuteAsync(_context).IsCompletedSuccessfully,
            "A check of a subject held in memory completes at once.");
    }

    private static long AllocatedBy(Action action)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
