using Azure;
using Azure.Data.Tables;
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
    public async Task A_device_projection_round_trips_with_its_accounts_in_order(int linked)
    {
        AccountProjection[] candidates =
        [
            Account("u2", "DE") with { Setting = true, SettingVersion = 7 },
            AccountProjection.Missing("u0"),
            Account("u1", "US") with { Exists = false, Revision = 2, Setting = false, SignedUpAt = SignedUp.ToOffset(TimeSpan.FromHours(-5)) },
        ];
        var projection = new DeviceProjection("d1", candidates[..linked]);

        Assert.NotNull(await _store.TryPutDeviceAsync(projection, null, Ct));
        var stored = await _store.GetDeviceAsync("d1", Ct);

        Assert.NotNull(stored);
        Assert.Equal("d1", stored.Value.AdId);
        Assert.Equal(projection.Accounts, stored.Value.Accounts);
        Assert.True(stored.Value.SameAs(projection));
        Assert.All(stored.Value.Accounts, account => Assert.Equal(TimeSpan.Zero, account.SignedUpAt.Offset));
    }

    [Fact]
    public async Task A_user_and_a_device_of_the_same_id_are_two_rows()
    {
        Assert.NotNull(await _store.TryPutAccountAsync(Account("same", "DE"), null, Ct));
        Assert.NotNull(await _store.TryPutDeviceAsync(new DeviceProjection("same", [Account("u1", "DE")]), null, Ct));

        Assert.Equal(Account("same", "DE"), (await _store.GetAccountAsync("same", Ct))?.Value);
        Assert.Equal([Account("u1", "DE")], (await _store.GetDeviceAsync("same", Ct))?.Value.Accounts);
    }

    [Fact]
    public async Task Inserting_a_row_that_exists_is_refused_and_changes_nothing()
    {
        var first = Account("u1", "DE");
        var device = new DeviceProjection("d1", [first]);
        await _store.TryPutAccountAsync(first, null, Ct);
        await _store.TryPutDeviceAsync(device, null, Ct);

        Assert.Null(await _store.TryPutAccountAsync(first with { Revision = 2 }, null, Ct));
        Assert.Null(await _store.TryPutDeviceAsync(new DeviceProjection("d1", []), null, Ct));

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
        var one = new DeviceProjection("d1", [Account("u1", "DE")]);
        var two = new DeviceProjection("d1", [Account("u1", "DE"), Account("u2", "FR")]);
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
    public async Task About_300_accounts_with_guid_ids_fit_in_a_device_row_and_a_larger_one_is_refused_unwritten()
    {
        var guids = Enumerable.Range(0, 300).Select(i => Account(new Guid(i, 0, 0, new byte[8]).ToString(), "DE") with { Setting = true, Revision = 12, SettingVersion = 345 }).ToList();
        var longest = Enumerable.Range(0, 180).Select(i => Account(i.ToString("D128", System.Globalization.CultureInfo.InvariantCulture), "DE") with { Setting = true, Revision = 12, SettingVersion = 345 }).ToList();

        Assert.NotNull(await _store.TryPutDeviceAsync(new DeviceProjection("d1", guids), null, Ct));
        Assert.Equal(guids, (await _store.GetDeviceAsync("d1", Ct))!.Value.Accounts);
        Assert.NotNull(await _store.TryPutDeviceAsync(new DeviceProjection("d2", longest[..160]), null, Ct));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => _store.TryPutDeviceAsync(new DeviceProjection("d3", longest), null, Ct));

        Assert.Contains("180 linked accounts", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("d3", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(longest[0].UserId, error.Message, StringComparison.Ordinal);
        Assert.Null(await _store.GetDeviceAsync("d3", Ct));
    }

    [Fact]
    public async Task A_device_row_that_is_not_a_list_of_accounts_is_invalid_data_naming_no_id()
    {
        foreach (var (adId, json) in new[] { ("d1", "not json"), ("d2", "[null]"), ("d3", "{}"), ("d4", """[{"c":"DE"}]"""), ("d5", """[{"u":"u1","c":"XX"}]"""), ("d6", """[{"u":"u1","t":-1}]""") })
        {
            await _table.AddEntityAsync(new TableEntity("d|" + adId, "device") { ["Accounts"] = json }, Ct);

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
