using ConsentGateway.Core.Policy;
using ConsentGateway.Core.Projection;

namespace ConsentGateway.Infrastructure.Tests.Contracts;

/// <summary>What every <see cref="IProjectionStore"/> adapter must do, whatever it stores the rows in.</summary>
public abstract class ProjectionStoreContract(IStoreHarness harness)
    : StoreContract<IProjectionStore>(harness, static (h, ct) => h.CreateProjectionStoreAsync(ct))
{
    protected static readonly DateTimeOffset SignedUp = new DateTimeOffset(2019, 3, 1, 12, 30, 15, TimeSpan.Zero).AddTicks(1234567);

    public static TheoryData<bool?> Settings => new() { null, true, false };

    public static TheoryData<bool> Inserting => new() { true, false };

    [Theory]
    [MemberData(nameof(Settings))]
    public async Task An_account_projection_round_trips_with_its_setting_in_utc_to_the_tick(bool? setting)
    {
        var projection = Account("u1", "DE") with { Setting = setting, SignedUpAt = new DateTimeOffset(2020, 6, 30, 23, 59, 59, TimeSpan.FromHours(2)).AddTicks(1) };

        Assert.NotNull(await Store.TryPutAccountAsync(projection, null, Ct));
        var stored = await Store.GetAccountAsync("u1", Ct);

        Assert.NotNull(stored);
        Assert.Equal(projection, stored.Value);
        Assert.Equal(setting, stored.Value.Setting);
        Assert.Equal(projection.SignedUpAt.UtcTicks, stored.Value.SignedUpAt.Ticks);
        Assert.Equal(TimeSpan.Zero, stored.Value.SignedUpAt.Offset);
        Assert.False(string.IsNullOrEmpty(stored.ConcurrencyToken));
    }

    [Fact]
    public async Task Missing_and_deleted_accounts_round_trip()
    {
        var missing = AccountProjection.Missing("never-registered");
        var deleted = Account("gone", "FR") with { Exists = false, Revision = 4, SettingVersion = 3 };

        Assert.NotNull(await Store.TryPutAccountAsync(missing, null, Ct));
        Assert.NotNull(await Store.TryPutAccountAsync(deleted, null, Ct));

        Assert.Equal(missing, (await Store.GetAccountAsync("never-registered", Ct))?.Value);
        Assert.Equal(deleted, (await Store.GetAccountAsync("gone", Ct))?.Value);
    }

    [Fact]
    public async Task Many_accounts_are_read_together_each_as_a_single_read_gives_it_and_those_without_a_row_absent()
    {
        Assert.NotNull(await Store.TryPutAccountAsync(Account("many-a", "DE"), null, Ct));
        Assert.NotNull(await Store.TryPutAccountAsync(Account("many-b", "US") with { Exists = false, Revision = 2 }, null, Ct));
        Assert.NotNull(await Store.TryPutAccountAsync(Account("many-c", "FR"), null, Ct));

        var rows = await Store.GetAccountsAsync(["many-b", "nobody", "many-a", "many-a"], Ct);

        Assert.Equal(["many-a", "many-b"], rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(await Store.GetAccountAsync("many-a", Ct), rows["many-a"]);
        Assert.Equal(await Store.GetAccountAsync("many-b", Ct), rows["many-b"]);
        Assert.Empty(await Store.GetAccountsAsync([], Ct));
    }

    [Fact]
    public async Task Rows_never_written_read_as_null()
    {
        Assert.Null(await Store.GetAccountAsync("u1", Ct));
        Assert.Null(await Store.GetDeviceAsync("d1", Ct));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public async Task A_device_projection_round_trips_with_its_linked_account_ids_in_order(int linked)
    {
        string[] candidates = ["u0", "u1", "u2"];
        var projection = new DeviceProjection("d1", candidates[..linked], linked);

        Assert.NotNull(await Store.TryPutDeviceAsync(projection, null, Ct));
        var stored = await Store.GetDeviceAsync("d1", Ct);

        Assert.NotNull(stored);
        Assert.Equal("d1", stored.Value.AdId);
        Assert.Equal(projection.LinkedUserIds, stored.Value.LinkedUserIds);
        Assert.Equal(linked, stored.Value.LinkCount);
        Assert.True(stored.Value.SameAs(projection));
        Assert.False(string.IsNullOrEmpty(stored.ConcurrencyToken));
    }

    [Fact]
    public async Task A_device_over_the_link_limit_round_trips_as_its_count_without_ids()
    {
        Assert.NotNull(await Store.TryPutDeviceAsync(new DeviceProjection("d1", [], 400), null, Ct));

        var stored = (await Store.GetDeviceAsync("d1", Ct))!.Value;

        Assert.Equal((0, 400), (stored.LinkedUserIds.Count, stored.LinkCount));
        Assert.False(stored.IsWithin(1_000));
    }

    [Fact]
    public async Task A_user_and_a_device_of_the_same_id_are_two_rows()
    {
        Assert.NotNull(await Store.TryPutAccountAsync(Account("same", "DE"), null, Ct));
        Assert.NotNull(await Store.TryPutDeviceAsync(new DeviceProjection("same", ["u1"], 1), null, Ct));

        Assert.Equal(Account("same", "DE"), (await Store.GetAccountAsync("same", Ct))?.Value);
        Assert.Equal(["u1"], (await Store.GetDeviceAsync("same", Ct))?.Value.LinkedUserIds);
    }

    [Fact]
    public async Task Inserting_a_row_that_exists_is_refused_and_changes_nothing()
    {
        var first = Account("u1", "DE");
        var device = new DeviceProjection("d1", ["u1"], 1);
        await Store.TryPutAccountAsync(first, null, Ct);
        await Store.TryPutDeviceAsync(device, null, Ct);

        Assert.Null(await Store.TryPutAccountAsync(first with { Revision = 2 }, null, Ct));
        Assert.Null(await Store.TryPutDeviceAsync(new DeviceProjection("d1", [], 0), null, Ct));

        Assert.Equal(first, (await Store.GetAccountAsync("u1", Ct))?.Value);
        Assert.True((await Store.GetDeviceAsync("d1", Ct))!.Value.SameAs(device));
    }

    [Fact]
    public async Task A_replace_under_the_current_token_wins_and_a_stale_token_loses_without_writing()
    {
        await Store.TryPutAccountAsync(Account("u1", "DE"), null, Ct);
        var read = (await Store.GetAccountAsync("u1", Ct))!;
        var newer = read.Value with { Setting = true, SettingVersion = 1 };

        Assert.NotNull(await Store.TryPutAccountAsync(newer, read.ConcurrencyToken, Ct));
        Assert.Null(await Store.TryPutAccountAsync(read.Value with { Revision = 9 }, read.ConcurrencyToken, Ct));

        var after = (await Store.GetAccountAsync("u1", Ct))!;
        Assert.Equal(newer, after.Value);
        Assert.NotEqual(read.ConcurrencyToken, after.ConcurrencyToken);
    }

    [Fact]
    public async Task A_device_replace_under_a_stale_token_loses_without_writing()
    {
        var one = new DeviceProjection("d1", ["u1"], 1);
        var two = new DeviceProjection("d1", ["u1", "u2"], 2);
        await Store.TryPutDeviceAsync(one, null, Ct);
        var read = (await Store.GetDeviceAsync("d1", Ct))!;

        Assert.NotNull(await Store.TryPutDeviceAsync(two, read.ConcurrencyToken, Ct));
        Assert.Null(await Store.TryPutDeviceAsync(one, read.ConcurrencyToken, Ct));

        Assert.True((await Store.GetDeviceAsync("d1", Ct))!.Value.SameAs(two));
    }

    [Fact]
    public async Task The_token_a_put_returns_is_the_one_a_read_gives_and_a_replace_under_it_wins()
    {
        var inserted = await Store.TryPutAccountAsync(Account("u1", "DE"), null, Ct);
        Assert.Equal(inserted, (await Store.GetAccountAsync("u1", Ct))!.ConcurrencyToken);

        var replaced = await Store.TryPutAccountAsync(Account("u1", "DE") with { Revision = 2 }, inserted, Ct);
        Assert.NotNull(replaced);
        Assert.NotEqual(inserted, replaced);
        Assert.Equal(new Stored<AccountProjection>(Account("u1", "DE") with { Revision = 2 }, replaced), await Store.GetAccountAsync("u1", Ct));

        var device = await Store.TryPutDeviceAsync(new DeviceProjection("d1", ["u1"], 1), null, Ct);
        Assert.Equal(device, (await Store.GetDeviceAsync("d1", Ct))!.ConcurrencyToken);
        var relinked = await Store.TryPutDeviceAsync(new DeviceProjection("d1", ["u1", "u2"], 2), device, Ct);
        Assert.NotNull(relinked);
        Assert.Equal(relinked, (await Store.GetDeviceAsync("d1", Ct))!.ConcurrencyToken);
    }

    [Fact]
    public async Task A_replace_of_a_row_that_is_gone_loses()
    {
        await Store.TryPutAccountAsync(Account("u1", "DE"), null, Ct);
        var token = (await Store.GetAccountAsync("u1", Ct))!.ConcurrencyToken;

        Assert.Null(await Store.TryPutAccountAsync(Account("u2", "DE"), token, Ct));
        Assert.Null(await Store.GetAccountAsync("u2", Ct));
    }

    [Fact]
    public async Task A_device_replace_of_a_row_that_is_gone_loses()
    {
        var token = await Store.TryPutDeviceAsync(new DeviceProjection("d1", ["u1"], 1), null, Ct);

        Assert.Null(await Store.TryPutDeviceAsync(new DeviceProjection("d2", ["u1"], 1), token, Ct));
        Assert.Null(await Store.GetDeviceAsync("d2", Ct));
    }

    [Theory]
    [MemberData(nameof(Inserting))]
    public async Task Of_eight_concurrent_account_puts_under_the_same_token_exactly_one_wins(bool inserting)
    {
        var token = inserting ? null : await Store.TryPutAccountAsync(Account("u1", "DE"), null, Ct);

        var results = await RaceAsync(8, async writer =>
        {
            var projection = Account("u1", "DE") with { Revision = 2 + writer };
            return (Projection: projection, Token: await Store.TryPutAccountAsync(projection, token, Ct));
        });

        var winner = Assert.Single(results, result => result.Token is not null);
        Assert.Equal(new Stored<AccountProjection>(winner.Projection, winner.Token!), await Store.GetAccountAsync("u1", Ct));
    }

    [Theory]
    [MemberData(nameof(Inserting))]
    public async Task Of_eight_concurrent_device_puts_under_the_same_token_exactly_one_wins(bool inserting)
    {
        var token = inserting ? null : await Store.TryPutDeviceAsync(new DeviceProjection("d1", [], 0), null, Ct);

        var results = await RaceAsync(8, async writer =>
        {
            var projection = new DeviceProjection("d1", [$"u{writer}"], 1);
            return (Projection: projection, Token: await Store.TryPutDeviceAsync(projection, token, Ct));
        });

        var winner = Assert.Single(results, result => result.Token is not null);
        var stored = (await Store.GetDeviceAsync("d1", Ct))!;
        Assert.True(stored.Value.SameAs(winner.Projection));
        Assert.Equal(winner.Token, stored.ConcurrencyToken);
    }

    [Fact]
    public async Task A_scan_gives_every_row_of_its_kind_once_in_key_order_in_pages_of_at_most_the_page_size()
    {
        // Ids around the kinds' partition prefixes ('u|', 'd|') and ordinal edge cases.
        string[] userIds = ["a", "u", "u-1", "uz", "Z", "z.9", "~"];
        foreach (var userId in userIds)
        {
            Assert.NotNull(await Store.TryPutAccountAsync(Account(userId, "DE") with { Exists = userId != "u" }, null, Ct));
        }

        DeviceProjection[] devices = [new("d", [], 0), new("d1", ["a"], 1), new("dz", ["a", "u"], 2), new("e", [], 3)];
        foreach (var device in devices)
        {
            Assert.NotNull(await Store.TryPutDeviceAsync(device, null, Ct));
        }

        var scan = (IProjectionScan)Store;
        var accountPages = await scan.ScanAccountsAsync(3, Ct).ToListAsync(Ct);
        var devicePages = await scan.ScanDevicesAsync(3, Ct).ToListAsync(Ct);

        Assert.All(accountPages.Concat<IReadOnlyCollection<object>>(devicePages), page => Assert.InRange(page.Count, 1, 3));
        Assert.Equal(userIds.Order(StringComparer.Ordinal), accountPages.SelectMany(page => page).Select(account => account.UserId));
        Assert.Equal(userIds.Select(id => Account(id, "DE") with { Exists = id != "u" }).OrderBy(a => a.UserId, StringComparer.Ordinal), accountPages.SelectMany(page => page));
        Assert.Equal(devices.Select(d => d.AdId), devicePages.SelectMany(page => page).Select(device => device.AdId));
        Assert.All(devices.Zip(devicePages.SelectMany(page => page)), pair => Assert.True(pair.First.SameAs(pair.Second)));
    }

    [Fact]
    public async Task A_scan_of_an_empty_store_gives_no_page()
    {
        var scan = (IProjectionScan)Store;

        Assert.Empty(await scan.ScanAccountsAsync(10, Ct).ToListAsync(Ct));
        Assert.Empty(await scan.ScanDevicesAsync(10, Ct).ToListAsync(Ct));
    }

    private static AccountProjection Account(string userId, string country) =>
        new(userId, true, CountryCode.Parse(country), SignedUp, null, 1, 0);
}
