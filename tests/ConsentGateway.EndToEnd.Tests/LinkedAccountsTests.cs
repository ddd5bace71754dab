using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using ConsentGateway.Contracts;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Projection;
using ConsentGateway.Core.Propagation;
using ConsentGateway.Server;
using Microsoft.Extensions.DependencyInjection;
using static ConsentGateway.EndToEnd.Tests.GatewayServer;
using static ConsentGateway.EndToEnd.Tests.PropagationTests;

namespace ConsentGateway.EndToEnd.Tests;

/// <summary>
/// Links on the real self-host (on SQLite; <see cref="LinkedAccountsOnTableStorageTests"/> on Azurite): no account's links slow another account's change
/// (SPEC §5, "No subject can slow others"), and a device holds a bounded number of accounts.
/// </summary>
public class LinkedAccountsTests
{
    /// <summary>The store the servers of these tests run on.</summary>
    protected virtual StorageProvider Storage => StorageProvider.Sqlite;

    private const int Limit = 3;

    [Fact]
    public async Task An_account_with_400_devices_toggling_does_not_delay_other_accounts_revocations_past_the_bound()
    {
        await using var server = await StartAsync(new GatewayServer { Storage = Storage });
        var attacker = await server.CreateAccountAsync("US", enabled: true);
        using var service = server.AccountService();
        await Parallel.ForEachAsync(Enumerable.Range(0, 400), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            // As a client does with a 503 store-unavailable: again after its Retry-After (Azurite is slow when every test project runs at once).
            for (var attempt = 1; ; attempt++)
            {
                using var linked = await service.PutAsync($"/api/v1/devices/farm-{i}-{attacker}/accounts/{attacker}", null, ct);
                if (linked.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 5)
                {
                    linked.EnsureSuccessStatusCode();
                    return;
                }

                await Task.Delay(linked.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), ct);
            }
        });

        var victims = new List<string>();
        for (var i = 0; i < 19; i++)
        {
            victims.Add(await server.CreateAccountAsync("US", enabled: true));
        }

        await Task.WhenAll(victims.Select(victim => Eventually(server.StalenessBound, async () => await server.CheckGoogleIpAsync(victim) == HttpStatusCode.OK)));

        // The attacker toggles while every victim revokes; each revocation must deny within the bound.
        using var attackerApp = server.User(attacker);
        var toggling = Task.Run(async () =>
        {
            for (var i = 0; i < 16; i++)
            {
                using var toggled = await attackerApp.PutAsync($"/api/v1/accounts/{attacker}/partner-sharing", Json($$"""{"enabled":{{(i % 2 == 0 ? "false" : "true")}}}"""));
                toggled.EnsureSuccessStatusCode();
            }
        });
        var lags = await Task.WhenAll(victims.Select(async victim =>
        {
            using var app = server.User(victim);
            using var revoked = await app.PutAsync($"/api/v1/accounts/{victim}/partner-sharing", Json("""{"enabled":false}"""));
            revoked.EnsureSuccessStatusCode();
            var clock = Stopwatch.StartNew();
            await Eventually(server.StalenessBound, async () => await server.CheckGoogleIpAsync(victim) == HttpStatusCode.Forbidden);
            return clock.Elapsed;
        }));
        await toggling;

        Assert.All(lags, lag => Assert.True(lag <= server.StalenessBound, $"a revocation took {lag} to deny"));
    }

    [Fact]
    public async Task At_the_link_limit_the_next_link_is_refused_and_revoking_any_linked_account_denies_the_device_within_the_bound()
    {
        await using var server = await StartAsync(LimitedServer());
        var linked = new List<string>();
        for (var i = 0; i < Limit; i++)
        {
            linked.Add(await server.CreateAccountAsync("US", enabled: true));
        }

        var adId = await server.RegisterDeviceAsync();
        using var service = server.AccountService();
        foreach (var userId in linked)
        {
            using var response = await service.PutAsync($"/api/v1/devices/{adId}/accounts/{userId}", null);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        var extra = await server.CreateAccountAsync("US", enabled: true);
        using (var refused = await service.PutAsync($"/api/v1/devices/{adId}/accounts/{extra}", null))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Equal(ProblemCodes.TooManyLinkedAccounts, (await refused.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
        }

        Assert.Equal(linked.Order(StringComparer.Ordinal), (await server.Services.GetRequiredService<IDeviceStore>().FindAsync(adId, default))!.LinkedUserIds);
        Assert.Empty(await server.Services.GetRequiredService<IAccountStore>().GetLinkedDevicesAsync(extra, default));
        await Eventually(server.StalenessBound, async () => (await CheckDeviceAsync(server, adId)).Status == HttpStatusCode.OK);

        using var app = server.User(linked[1]);
        using (var revoked = await app.PutAsync($"/api/v1/accounts/{linked[1]}/partner-sharing", Json("""{"enabled":false}""")))
        {
            revoked.EnsureSuccessStatusCode();
        }

        await Eventually(server.StalenessBound, async () => await CheckDeviceAsync(server, adId) == (HttpStatusCode.Forbidden, ReasonCodes.SettingDisabled));
    }

    [Fact]
    public async Task A_device_over_the_limit_written_directly_to_the_store_denies_with_too_many_linked_accounts()
    {
        await using var server = await StartAsync(LimitedServer());
        var userIds = new List<string>();
        for (var i = 0; i <= Limit; i++)
        {
            userIds.Add(await server.CreateAccountAsync("US", enabled: true));
        }

        // A projection row an older version (or a higher limit) wrote, listing every account.
        var projections = server.Services.GetRequiredService<IProjectionStore>();
        Assert.NotNull(await projections.TryPutDeviceAsync(new DeviceProjection("listed-by-an-older-version", userIds, userIds.Count), null, default));

        // Links past the limit in the source, as written before the limit: the projector writes the device as over it.
        var devices = server.Services.GetRequiredService<IDeviceStore>();
        foreach (var userId in userIds)
        {
            await devices.LinkAsync("linked-past-the-limit", userId, DateTimeOffset.UtcNow, default);
        }

        await server.Services.GetRequiredService<Projector>().ProjectDeviceAsync("linked-past-the-limit", default);

        Assert.Equal((HttpStatusCode.Forbidden, ReasonCodes.TooManyLinkedAccounts), await CheckDeviceAsync(server, "listed-by-an-older-version"));
        Assert.Equal((HttpStatusCode.Forbidden, ReasonCodes.TooManyLinkedAccounts), await CheckDeviceAsync(server, "linked-past-the-limit"));
    }

    private static GatewayServer LimitedServer() => new()
    {
        OverrideServices = services => services.Configure<AccountsOptions>(options => options.MaxAccountsPerDevice = Limit),
    };

    private static async Task<(HttpStatusCode Status, string? Reason)> CheckDeviceAsync(GatewayServer server, string adId)
    {
        using var proxy = server.Proxy();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/check");
        request.Headers.Add(ConsentHeaders.Partner, "google");
        request.Headers.Add(ConsentHeaders.Device, adId);
        request.Headers.Add(ConsentHeaders.Data, "ip_address");
        using var response = await proxy.SendAsync(request);
        return (response.StatusCode, response.Headers.TryGetValues(ConsentHeaders.Reason, out var reasons) ? reasons.Single() : null);
    }

    private sealed record ProblemBody(string Code);
}
