using System.Net;
using ConsentGateway.Contracts;
using ConsentGateway.Core;
using ConsentGateway.Core.Projection;
using ConsentGateway.EndToEnd.Tests.Evaluation;

namespace ConsentGateway.EndToEnd.Tests.Effects;

/// <summary>When the decision projection cannot be read, the effects and the export are a 503 <c>store-unavailable</c> with <c>Retry-After</c>, never a 500 or a guess.</summary>
public sealed class EffectsStoreOutageTests : IAsyncLifetime
{
    private readonly FailingReads _reads = new();
    private readonly GatewayServer _server;

    public EffectsStoreOutageTests()
    {
        _server = new GatewayServer { OverrideServices = services => services.Decorate<IProjectionStore>((inner, _) => new FailingReads.Store(_reads, inner)) };
    }

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Theory]
    [InlineData("partner-sharing/effects")]
    [InlineData("export")]
    public async Task A_projection_that_cannot_be_read_is_a_503_with_retry_after(string route)
    {
        var userId = await _server.CreateAccountAsync("DE", enabled: true);
        using var user = _server.User(userId);
        using (var before = await user.GetAsync($"/api/v1/accounts/{userId}/{route}"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        _reads.Fail = true;
        using var response = await user.GetAsync($"/api/v1/accounts/{userId}/{route}");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(ProblemCodes.StoreUnavailable, (await EvaluationApi.ReadProblemAsync(response, route)).Code);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    /// <summary>Projection reads that can be made to fail as a store outage does.</summary>
    private sealed class FailingReads
    {
        public volatile bool Fail;

        public sealed class Store(FailingReads reads, IProjectionStore inner) : IProjectionStore
        {
            public Task<Stored<AccountProjection>?> GetAccountAsync(string userId, CancellationToken cancellationToken) =>
                reads.Fail ? throw new StoreUnavailableException() : inner.GetAccountAsync(userId, cancellationToken);

            public Task<Stored<DeviceProjection>?> GetDeviceAsync(string adId, CancellationToken cancellationToken) =>
                reads.Fail ? throw new StoreUnavailableException() : inner.GetDeviceAsync(adId, cancellationToken);

            public Task<string?> TryPutAccountAsync(AccountProjection projection, string? expectedToken, CancellationToken cancellationToken) =>
                inner.TryPutAccountAsync(projection, expectedToken, cancellationToken);

            public Task<string?> TryPutDeviceAsync(DeviceProjection projection, string? expectedToken, CancellationToken cancellationToken) =>
                inner.TryPutDeviceAsync(projection, expectedToken, cancellationToken);
        }
    }
}
