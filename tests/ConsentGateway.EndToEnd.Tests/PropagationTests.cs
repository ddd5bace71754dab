using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using ConsentGateway.Contracts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Projection;
using ConsentGateway.Core.Propagation;
using ConsentGateway.Server;
using Microsoft.Extensions.DependencyInjection;
using static ConsentGateway.EndToEnd.Tests.GatewayServer;

namespace ConsentGateway.EndToEnd.Tests;

/// <summary>
/// Propagation on the real self-host (on SQLite; <see cref="PropagationOnTableStorageTests"/> on Azurite): every accepted change reaches the decision
/// projection within the bound, and faults (publisher outage, a crash between write and
/// publish, failing projections) lose nothing and never move a projection backwards.
/// The repair count is read from the process-wide meter, so the Azurite pass
/// (<see cref="PropagationOnTableStorageTests"/>) is in the same collection: never at the same time.
/// </summary>
[Collection(Name)]
public class PropagationTests
{
    public const string Name = "Propagation";

    /// <summary>The store the servers of these tests run on.</summary>
    protected virtual StorageProvider Storage => StorageProvider.Sqlite;

    [Fact]
    public async Task A_change_reaches_the_account_and_its_devices_within_the_bound()
    {
        await using var server = await StartAsync(new GatewayServer { Storage = Storage });
        var userId = await server.CreateAccountAsync("DE");
        using var service = server.AccountService();
        using var linked = await service.PutAsync($"/api/v1/devices/dev-{userId}/accounts/{userId}", null);
        using var changed = await service.PutAsync($"/api/v1/accounts/{userId}/partner-sharing", Json("""{"enabled":true}"""));

        var projections = server.Services.GetRequiredService<IProjectionStore>();
        await Eventually(server.StalenessBound, async () =>
        {
            var account = await projections.GetAccountAsync(userId, default);
            var device = await projections.GetDeviceAsync($"dev-{userId}", default);
            return account?.Value is { Exists: true, Setting: true, SettingVersion: 1 }
                && device?.Value.LinkedUserIds.SequenceEqual([userId]) == true;
        });

        // The device's row names the account; the account's own row says it is gone.
        using var deleted = await service.DeleteAsync($"/api/v1/accounts/{userId}");
        await Eventually(server.StalenessBound, async () =>
            (await projections.GetAccountAsync(userId, default))?.Value is { Exists: false }
            && (await projections.GetDeviceAsync($"dev-{userId}", default))?.Value.LinkedUserIds.SequenceEqual([userId]) == true);
    }

    [Fact]
    public async Task Nothing_accepted_is_lost_through_publish_outages_crashes_and_failing_projections()
    {
        const int Accounts = 200;
        var monitor = new ProjectionMonitor();
        long republished = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PropagationMetrics.MeterName && instrument.Name == "consent.repair.republished")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref republished, value));
        listener.Start();
        var first = new GatewayServer
        {
            Storage = Storage,
            OverrideServices = services =>
            {
                services.Decorate<IChangePublisher>((inner, _) => new FaultyPublisher(inner));
                services.Decorate<IProjectionStore>((inner, _) => monitor.Wrap(inner, failFirstWrite: false));
            },
        };
        await StartAsync(first);
        var userIds = new List<string>();
        for (var i = 0; i < Accounts; i++)
        {
            userIds.Add(await first.CreateAccountAsync(i % 2 == 0 ? "DE" : "US"));
        }

        var acknowledged = new ConcurrentDictionary<string, SettingResponse>();
        var publisher = (FaultyPublisher)first.Services.GetRequiredService<IChangePublisher>();

        // 1. Service Bus (here: the publisher) is down while 700 changes are accepted.
        publisher.Mode = FaultyPublisher.Down;
        await ChangeAsync(first, userIds, 700, acknowledged);

        // 2. The process "dies" right after each table write, before publishing: 700 changes, then it is gone.
        publisher.Mode = FaultyPublisher.CrashAfterWrite;
        await ChangeAsync(first, userIds, 700, acknowledged);
        await first.StopAsync();

        // 3. A new instance on the same tables, whose projector fails the first write of every row.
        await using var second = await StartAsync(first.Sibling(services =>
            services.Decorate<IProjectionStore>((inner, _) => monitor.Wrap(inner, failFirstWrite: true))));
        await ChangeAsync(second, userIds, 600, acknowledged);

        var projections = second.Services.GetRequiredService<IProjectionStore>();
        await Eventually(TimeSpan.FromSeconds(60), async () =>
        {
            foreach (var userId in userIds)
            {
                var expected = acknowledged.GetValueOrDefault(userId);
                var projected = (await projections.GetAccountAsync(userId, default))?.Value;
                if (expected is not null && (projected?.SettingVersion != expected.Version || projected.Setting != expected.Enabled))
                {
                    return false;
                }
            }

            return true;
        });

        Assert.True(acknowledged.Values.Sum(a => a.Version) >= 2_000, "fewer than 2,000 acknowledged changes");
        Assert.Empty(monitor.Regressions);

        // Every intent is cleared once projected; the lost notices came back through repair.
        var intents = second.Services.GetRequiredService<IIntentLog>();
        await Eventually(TimeSpan.FromSeconds(30), async () => (await intents.GetPendingAsync(DateTimeOffset.MaxValue, 10, default)).Count == 0);
        Assert.True(Interlocked.Read(ref republished) > 0, "repair never ran: the faults did not bite");
        await first.DisposeAsync();
    }

    internal static async Task<GatewayServer> StartAsync(GatewayServer server)
    {
        await server.InitializeAsync();
        return server;
    }

    // Toggles the settings of the accounts round-robin through the API, 16 at a time, keeping the newest acknowledged state of each.
    private static async Task ChangeAsync(GatewayServer server, List<string> userIds, int changes, ConcurrentDictionary<string, SettingResponse> acknowledged)
    {
        using var client = server.AccountService();
        await Parallel.ForEachAsync(Enumerable.Range(0, changes), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var userId = userIds[i % userIds.Count];
            using var response = await client.PutAsync($"/api/v1/accounts/{userId}/partner-sharing", Json($$"""{"enabled":{{(i / userIds.Count % 2 == 0 ? "true" : "false")}}}"""), ct);
            response.EnsureSuccessStatusCode();
            var state = (await response.Content.ReadFromJsonAsync<SettingResponse>(ct))!;
            acknowledged.AddOrUpdate(userId, state, (_, old) => old.Version > state.Version ? old : state);
        });
    }

    internal static async Task Eventually(TimeSpan within, Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < within, $"not reached within {within}");
            await Task.Delay(50);
        }
    }

    /// <summary>A publisher that can be down (throws) or lose notices as a crash right after the write would.</summary>
    private sealed class FaultyPublisher(IChangePublisher inner) : IChangePublisher
    {
        public const int Up = 0;
        public const int Down = 1;
        public const int CrashAfterWrite = 2;

        private int _mode;

        public int Mode
        {
            get => Volatile.Read(ref _mode);
            set => Volatile.Write(ref _mode, value);
        }

        public Task PublishAsync(ChangeNotice notice, CancellationToken cancellationToken) => Mode switch
        {
            Down => throw new InvalidOperationException("The transport is down (test)."),
            CrashAfterWrite => Task.CompletedTask,
            _ => inner.PublishAsync(notice, cancellationToken),
        };
    }

    /// <summary>
    /// Checks every successful projection write against the row it replaced (known by the ETag
    /// it was conditional on), so a write that went backwards is caught exactly; can fail each
    /// row's first write.
    /// </summary>
    private sealed class ProjectionMonitor
    {
        // By account and token: a token names a version of one row only (SQLite's are row versions 1, 2, …).
        private readonly ConcurrentDictionary<(string UserId, string Token), AccountProjection> _readByToken = new();
        private readonly ConcurrentDictionary<string, bool> _failed = new();

        public ConcurrentBag<string> Regressions { get; } = [];

        public IProjectionStore Wrap(IProjectionStore inner, bool failFirstWrite) => new Monitored(inner, this, failFirstWrite);

        private sealed class Monitored(IProjectionStore inner, ProjectionMonitor monitor, bool failFirstWrite) : IProjectionStore
        {
            public async Task<Stored<AccountProjection>?> GetAccountAsync(string userId, CancellationToken cancellationToken)
            {
                var stored = await inner.GetAccountAsync(userId, cancellationToken);
                if (stored is not null)
                {
                    monitor._readByToken[(userId, stored.ConcurrencyToken)] = stored.Value;
                }

                return stored;
            }

            public Task<Stored<DeviceProjection>?> GetDeviceAsync(string adId, CancellationToken cancellationToken) => inner.GetDeviceAsync(adId, cancellationToken);

            public async Task<string?> TryPutAccountAsync(AccountProjection projection, string? expectedToken, CancellationToken cancellationToken)
            {
                if (failFirstWrite && monitor._failed.TryAdd(projection.UserId, true))
                {
                    throw new InvalidOperationException("The projection store failed (test).");
                }

                var written = await inner.TryPutAccountAsync(projection, expectedToken, cancellationToken);
                if (written is not null)
                {
                    monitor._readByToken[(projection.UserId, written)] = projection;
                    if (expectedToken is not null && monitor._readByToken.TryGetValue((projection.UserId, expectedToken), out var replaced) && !projection.IsAtLeastAsNewAs(replaced))
                    {
                        monitor.Regressions.Add($"setting version {replaced.SettingVersion} replaced by {projection.SettingVersion}");
                    }
                }

                return written;
            }

            public Task<string?> TryPutDeviceAsync(DeviceProjection projection, string? expectedToken, CancellationToken cancellationToken) =>
                inner.TryPutDeviceAsync(projection, expectedToken, cancellationToken);
        }
    }
}
