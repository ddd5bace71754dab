using Azure;
using Azure.Data.Tables;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Policy;
using ConsentGateway.Core.Projection;
using ConsentGateway.Infrastructure.TableStorage;
using ConsentGateway.Testing;

namespace ConsentGateway.Infrastructure.Tests;

[Collection(SharedAzurite.Name)]
public sealed class TableProjectionStoreTests(AzuriteServer azurite) : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset SignedUp = new DateTimeOffset(2019, 3, 1, 12, 30, 15, TimeSpan.Zero).AddTicks(1234567);

    private TableClient _table = null!;
    private TableProjectionStore _store = null!;

    public async Task InitializeAsync()
    {
        _table = await azurite.CreateTableAsync("projections");
        _store = new TableProjectionStore(_table);
    }

    public Task DisposeAsync() => _table.DeleteAsync();

    public static TheoryData<bool?> Settings => new() { null, true, false };

    [Theory]
    [MemberData(nameof(Settings))]
    public async Task An_account_projection_round_trips_with_its_setting_in_utc_to_the_tick(bool? setting)
    {
        var projection = Account("u1", "DE") with { Setting = setting, SignedUpAt = new DateTimeOffset(2020, 6, 30, 23, 59, 59, TimeSpan.FromHours(2)).AddTicks(1) };

        Assert.NotNull(await _store.TryPutAccountAsync(projection, null, Ct));
        var stored = await _store.GetAccountAsync("u1", Ct);

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

        Assert.NotNull(await _store.TryPutAccountAsync(missing, null, Ct));
        Assert.NotNull(await _store.TryPutAccountAsync(deleted, null, Ct));

        Assert.Equal(missing, (await _store.GetAccountAsync("never-registered", Ct))?.Value);
        Assert.Equal(deleted, (await _store.GetAccountAsync("gone", Ct))?.Value);
    }

    [Fact]
    public async Task Rows_never_written_read_as_null()
    {
        Assert.Null(await _store.GetAccountAsync("u1", Ct));
        Assert.Null(await _store.GetDeviceAsync("d1", Ct));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public async Task A_device_projection_round_trips_with_its_linked_account_ids_in_order(int linked)
    {
        string[] candidates = ["u0", "u1", "u2"];
        var projection = new DeviceProjection("d1", candidates[..linked], linked);

        Assert.NotNull(await _store.TryPutDeviceAsync(projection, null, Ct));
        var stored = await _store.GetDeviceAsync("d1", Ct);

        Assert.NotNull(stored);
        Assert.Equal("d1", stored.Value.AdId);
        Assert.Equal(projection.LinkedUserIds, stored.Value.LinkedUserIds);
        Assert.Equal(linked, stored.Value.LinkCount);
        Assert.True(stored.Value.SameAs(projection));
    }

    [Fact]
    public async Task A_device_over_the_link_limit_round_trips_as_its_count_without_ids()
    {
        Assert.NotNull(await _store.TryPutDeviceAsync(new DeviceProjection("d1", [], 400), null, Ct));

        var stored = (await _store.GetDeviceAsync("d1", Ct))!.Value;

        Assert.Equal((0, 400), (stored.LinkedUserIds.Count, stored.LinkCount));
        Assert.False(stored.IsWithin(1_000));
    }

    [Fact]
    public async Task A_user_and_a_device_of_the_same_id_are_two_rows()
    {
        Assert.NotNull(await _store.TryPutAccountAsync(Account("same", "DE"), null, Ct));
        Assert.NotNull(await _store.TryPutDeviceAsync(new DeviceProjection("same", ["u1"], 1), null, Ct));

        Assert.Equal(Account("same", "DE"), (await _store.GetAccountAsync("same", Ct))?.Value);
        Assert.Equal(["u1"], (await _store.GetDeviceAsync("same", Ct))?.Value.LinkedUserIds);
    }

    [Fact]
    public async Task Inserting_a_row_that_exists_is_refused_and_changes_nothing()
    {
        var first = Account("u1", "DE");
        var device = new DeviceProjection("d1", ["u1"], 1);
        await _store.TryPutAccountAsync(first, null, Ct);
        await _store.TryPutDeviceAsync(device, null, Ct);

        Assert.Null(await _store.TryPutAccountAsync(first with { Revision = 2 }, null, Ct));
        Assert.Null(await _store.TryPutDeviceAsync(new DeviceProjection("d1", [], 0), null, Ct));

        Assert.Equal(first, (await _store.GetAccountAsync("u1", Ct))?.Value);
        Assert.True((await _store.GetDeviceAsync("d1", Ct))!.Value.SameAs(device));
    }

    [Fact]
    public async Task A_replace_under_the_current_token_wins_and_a_stale_token_loses_without_writing()
    {
        await _store.TryPutAccountAsync(Account("u1", "DE"), null, Ct);
        var read = (await _store.GetAccountAsync("u1", Ct))!;
        var newer = read.Value with { Setting = true, SettingVersion = 1 };

        Assert.NotNull(await _store.TryPutAccountAsync(newer, read.ConcurrencyToken, Ct));
        Assert.Null(await _store.TryPutAccountAsync(read.Value with { Revision = 9 }, read.ConcurrencyToken, Ct));

        var after = (await _store.GetAccountAsync("u1", Ct))!;
        Assert.Equal(newer, after.Value);
        Assert.NotEqual(read.ConcurrencyToken, after.ConcurrencyToken);
    }

    [Fact]
    public async Task A_device_replace_under_a_stale_token_loses_without_writing()
    {
        var one = new DeviceProjection("d1", ["u1"], 1);
        var two = new DeviceProjection("d1", ["u1", "u2"], 2);
        await _store.TryPutDeviceAsync(one, null, Ct);
        var read = (await _store.GetDeviceAsync("d1", Ct))!;

        Assert.NotNull(await _store.TryPutDeviceAsync(two, read.ConcurrencyToken, Ct));
        Assert.Null(await _store.TryPutDeviceAsync(one, read.ConcurrencyToken, Ct));

        Assert.True((await _store.GetDeviceAsync("d1", Ct))!.Value.SameAs(two));
    }

    [Fact]
    public async Task A_replace_of_a_row_that_is_gone_loses()
    {
        await _store.TryPutAccountAsync(Account("u1", "DE"), null, Ct);
        var token = (await _store.GetAccountAsync("u1", Ct))!.ConcurrencyToken;

        Assert.Null(await _store.TryPutAccountAsync(Account("u2", "DE"), token, Ct));
        Assert.Null(await _store.GetAccountAsync("u2", Ct));
    }

    [Fact]
    public async Task The_most_accounts_the_limit_allows_fit_in_a_device_row_with_ids_of_the_longest_length()
    {
        var longest = Enumerable.Range(0, AccountsOptions.MaxAllowedAccountsPerDevice).Select(i => i.ToString("D128", System.Globalization.CultureInfo.InvariantCulture)).ToList();

        Assert.NotNull(await _store.TryPutDeviceAsync(new DeviceProjection("d1", longest, longest.Count), null, Ct));

        Assert.Equal(longest, (await _store.GetDeviceAsync("d1", Ct))!.Value.LinkedUserIds);
    }

    [Fact]
    public async Task A_device_row_of_the_earlier_layout_reads_as_its_linked_account_ids()
    {
        await _table.AddEntityAsync(new TableEntity("d|d1", "device") { ["Accounts"] = """[{"u":"u2","c":"DE","s":true,"r":1,"v":3},{"u":"u1","g":true}]""" }, Ct);

        var stored = (await _store.GetDeviceAsync("d1", Ct))!.Value;

        Assert.Equal(["u1", "u2"], stored.LinkedUserIds);
        Assert.Equal(2, stored.LinkCount);
    }

    [Fact]
    public async Task A_device_row_that_is_not_a_list_of_accounts_is_invalid_data_naming_no_id()
    {
        TableEntity[] rows =
        [
            new("d|d1", "device") { ["Accounts"] = "not json" },
            new("d|d2", "device") { ["Accounts"] = "[null]" },
            new("d|d3", "device") { ["Accounts"] = "{}" },
            new("d|d4", "device") { ["Accounts"] = """[{"c":"DE"}]""" },
            new("d|d5", "device") { ["LinkedUserIds"] = "u1,u2", ["LinkCount"] = 1L },
            new("d|d6", "device") { ["LinkedUserIds"] = "u1" },
            new("d|d7", "device") { ["LinkCount"] = 1L },
        ];
        foreach (var row in rows)
        {
            await _table.AddEntityAsync(row, Ct);
            var adId = row.PartitionKey[2..];

            var error = await Assert.ThrowsAsync<InvalidDataException>(() => _store.GetDeviceAsync(adId, Ct));
            Assert.DoesNotContain(adId, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_missing_table_is_an_error_not_a_missing_row()
    {
        var missing = new TableProjectionStore(azurite.CreateServiceClient().GetTableClient(AzuriteServer.UniqueTableName("missing")));

        Assert.Equal(404, (await Assert.ThrowsAsync<RequestFailedException>(() => missing.GetAccountAsync("u1", Ct))).Status);
        Assert.Equal(404, (await Assert.ThrowsAsync<RequestFailedException>(() => missing.GetDeviceAsync("d1", Ct))).Status);
        Assert.Equal(404, (await Assert.ThrowsAsync<RequestFailedException>(() => missing.TryPutAccountAsync(Account("u1", "DE"), "W/\"datetime'2026-01-01T00%3A00%3A00Z'\"", Ct))).Status);
    }

    private static AccountProjection Account(string userId, string country) =>
        new(userId, true, CountryCode.Parse(country), SignedUp, null, 1, 0);
}
