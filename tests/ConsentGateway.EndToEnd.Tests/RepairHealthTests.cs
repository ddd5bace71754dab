using System.Net;
using System.Text.Json;
using ConsentGateway.Contracts;
using ConsentGateway.Core.Changes;

namespace ConsentGateway.EndToEnd.Tests;

/// <summary>
/// The self-host's readiness follows repair: while its runs keep failing (the intent log cannot be
/// listed; writes still work), <c>/health/ready</c> turns 503 naming <c>propagation</c> once four
/// repair periods pass without a completed run, and ready again once repair runs.
/// </summary>
public sealed class RepairHealthTests : IAsyncLifetime
{
    private readonly FailingRepairReads _intents = new();
    private readonly GatewayServer _server;

    public RepairHealthTests()
    {
        _server = new GatewayServer { OverrideServices = services => services.Decorate<IIntentLog>((inner, _) => _intents.Wrap(inner)) };
    }

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Ready_turns_503_naming_propagation_while_repair_cannot_run_and_back_once_it_runs()
    {
        using var client = _server.Client(token: null);
        var ready = await EventuallyAsync(client, answer => answer.Status == HttpStatusCode.OK);

        _intents.Fail = true;
        var notReady = await EventuallyAsync(client, answer => answer.Status == HttpStatusCode.ServiceUnavailable);
        _intents.Fail = false;
        var readyAgain = await EventuallyAsync(client, answer => answer.Status == HttpStatusCode.OK);

        Assert.Equal("Healthy", ready.Checks["propagation"]);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "Unhealthy"), (notReady.Status, notReady.Checks["propagation"]));
        Assert.Equal("Healthy", notReady.Checks["store"]);
        Assert.Equal((HttpStatusCode.OK, "Healthy"), (readyAgain.Status, readyAgain.Checks["propagation"]));
    }

    private static async Task<(HttpStatusCode Status, Dictionary<string, string> Checks)> EventuallyAsync(HttpClient client, Func<(HttpStatusCode Status, Dictionary<string, string> Checks), bool> done)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await client.GetAsync(ApiRoutes.HealthReadyPath);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var answer = (response.StatusCode, json.RootElement.GetProperty("checks").EnumerateObject().ToDictionary(check => check.Name, check => check.Value.GetProperty("status").GetString()!));
            if (done(answer) || DateTimeOffset.UtcNow > deadline)
            {
                return answer;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>An intent log whose listing for repair can be made to fail; recording and clearing go on.</summary>
    private sealed class FailingRepairReads
    {
        public volatile bool Fail;

        public IIntentLog Wrap(IIntentLog inner) => new Log(this, inner);

        private sealed class Log(FailingRepairReads reads, IIntentLog inner) : IIntentLog
        {
            public Task<Intent> RecordAsync(ChangeKind kind, string key, string? linkedUserId, DateTimeOffset at, CancellationToken cancellationToken) =>
                inner.RecordAsync(kind, key, linkedUserId, at, cancellationToken);

            public Task<IReadOnlyList<Intent>> GetPendingAsync(DateTimeOffset recordedBefore, int max, CancellationToken cancellationToken) =>
                reads.Fail ? throw new InvalidDataException("intent listing refused (test)") : inner.GetPendingAsync(recordedBefore, max, cancellationToken);

            public Task ClearAsync(string intentId, CancellationToken cancellationToken) => inner.ClearAsync(intentId, cancellationToken);
        }
    }
}
