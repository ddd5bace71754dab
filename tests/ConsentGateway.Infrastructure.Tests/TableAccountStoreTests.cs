using Azure;
using Azure.Data.Tables;
using ConsentGateway.Core.Consent;
using ConsentGateway.Core.Policy;
using ConsentGateway.Infrastructure.TableStorage;
using ConsentGateway.Testing;

namespace ConsentGateway.Infrastructure.Tests;

[Collection(SharedAzurite.Name)]
public sealed class TableAccountStoreTests(AzuriteServer azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset SignedUp = new DateTimeOffset(2019, 3, 1, 12, 30, 15, TimeSpan.Zero).AddTicks(1234567);
    private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero).AddTicks(7654321);

    private TableClient _table = null!;
    private TableAccountStore _store = null!;

    private static readonly CancellationToken Ct = CancellationToken.None;

    public async Task InitializeAsync()
    {
        _table = await azurite.CreateTableAsync("accounts");
        _store = new TableAccountStore(_table);
    }

    public Task DisposeAsync() => _table.DeleteAsync();

    [Fact]
    public async Task Finding_an_account_never_written_returns_null()
    {
        Assert.Null(await _store.FindAsync("nobody", Ct));
    }

    [Fact]
    public async Task A_missing_table_is_an_error_not_a_missing_account()
    {
        var missing = new TableAccountStore(azurite.CreateServiceClient().GetTableClient(AzuriteServer.UniqueTableName("missing")));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => missing.FindAsync("u1", Ct));

        Assert.Equal(404, error.Status);
    }

    [Fact]
    public async Task Insert_then_find_round_trips_every_field()
    {
        AccountRecord[] accounts =
        [
            NewAccount("default-setting", "DE"),
            NewAccount("enabled", "US") with { Revision = 3, Setting = true, SettingVersion = 7, SettingUpdatedAt = Now },
            NewAccount("disabled", "GB") with { Setting = false, SettingVersion = 12, SettingUpdatedAt = Now },
            NewAccount("tombstone", "NO") with { Revision = 9, SettingVersion = 4, SettingUpdatedAt = Now, Deleted = true },
        ];

        foreach (var account in accounts)
        {
            var written = await _store.TryWriteAsync(account, null, Ct);
            Assert.NotNull(written);
            Assert.False(string.IsNullOrEmpty(written.ConcurrencyToken));

            var found = await _store.FindAsync(account.UserId, Ct);
            Assert.Equal(written, found);
            Assert.Equal(account with { ConcurrencyToken = written.ConcurrencyToken }, found);

            // Record equality compares instants only: check the offsets and the ticks too.
            Assert.Equal(TimeSpan.Zero, found!.SignedUpAt.Offset);
            Assert.Equal(account.SignedUpAt.Ticks, found.SignedUpAt.Ticks);
            Assert.Equal(account.SettingUpdatedAt?.Ticks, found.SettingUpdatedAt?.Ticks);
            Assert.Equal(account.SettingUpdatedAt is null ? null : TimeSpan.Zero, found.SettingUpdatedAt?.Offset);
            Assert.Equal(account.Country.ToString(), found.Country.ToString());
        }
    }

    [Fact]
    public async Task A_write_with_a_stale_token_returns_null_and_changes_nothing()
    {
        var first = await _store.TryWriteAsync(NewAccount("u1", "DE"), null, Ct);
        var second = await _store.TryWriteAsync(first! with { Country = CountryCode.Parse("FR"), Revision = 2 }, null, Ct);
        Assert.NotNull(second);
        Assert.NotEqual(first!.ConcurrencyToken, second.ConcurrencyToken);

        Assert.Null(await _store.TryWriteAsync(first with { Country = CountryCode.Parse("IT"), Revision = 2 }, null, Ct));
        var change = new SettingChange(1, true, Now, ChangeChannel.User, "p1");
        Assert.Null(await _store.TryWriteAsync(first with { Setting = true, SettingVersion = 1, SettingUpdatedAt = Now }, change, Ct));

        Assert.Equal(second, await _store.FindAsync("u1", Ct));
        Assert.Empty(await _store.GetHistoryAsync("u1", Ct));
    }

    [Fact]
    public async Task Inserting_an_account_that_exists_returns_null_and_changes_nothing()
    {
        var stored = await _store.TryWriteAsync(NewAccount("u1", "DE"), null, Ct);

        Assert.Null(await _store.TryWriteAsync(NewAccount("u1", "FR"), null, Ct));
        var change = new SettingChange(1, false, Now, ChangeChannel.User, "p1");
        Assert.Null(await _store.TryWriteAsync(NewAccount("u1", "FR") with { Setting = false, SettingVersion = 1 }, change, Ct));

        Assert.Equal(stored, await _store.FindAsync("u1", Ct));
        Assert.Empty(await _store.GetHistoryAsync("u1", Ct));
    }

    [Fact]
    public async Task A_setting_change_and_its_history_row_commit_together()
    {
        var created = await _store.TryWriteAsync(NewAccount("u1", "DE"), null, Ct);
        var proposed = created! with { Setting = true, SettingVersion = 1, SettingUpdatedAt = Now };
        var change = new SettingChange(1, true, Now, ChangeChannel.User, "2020-04-06");

        var written = await _store.TryWriteAsync(proposed, change, Ct);

        Assert.NotNull(written);
        Assert.NotEqual(created.ConcurrencyToken, written.ConcurrencyToken);
        Assert.Equal(proposed with { ConcurrencyToken = written.ConcurrencyToken }, written);
        Assert.Equal(written, await _store.FindAsync("u1", Ct));
        Assert.Equal([change], await _store.GetHistoryAsync("u1", Ct));
    }

    [Fact]
    public async Task An_account_and_its_first_history_row_can_be_inserted_together()
    {
        var proposed = NewAccount("u1", "DE") with { Setting = false, SettingVersion = 1, SettingUpdatedAt = Now };
        var change = new SettingChange(1, false, Now, ChangeChannel.Service, "p1");

        var written = await _store.TryWriteAsync(proposed, change, Ct);

        Assert.Equal(written, await _store.FindAsync("u1", Ct));
        Assert.Equal([change], await _store.GetHistoryAsync("u1", Ct));
    }

    [Fact]
    public async Task When_the_history_row_already_exists_neither_row_is_written()
    {
        var created = await _store.TryWriteAsync(NewAccount("u1", "DE"), null, Ct);
        var first = new SettingChange(1, true, Now, ChangeChannel.User, "p1");
        var afterFirst = await _store.TryWriteAsync(created! with { Setting = true, SettingVersion = 1, SettingUpdatedAt = Now }, first, Ct);

        // The account row's token is current, but version 1 is already in the history.
        var again = new SettingChange(1, false, Now.AddMinutes(1), ChangeChannel.Service, "p2");
        var result = await _store.TryWriteAsync(afterFirst! with { Setting = false, SettingUpdatedAt = Now.AddMinutes(1) }, again, Ct);

        Assert.Null(result);
        Assert.Equal(afterFirst, await _store.FindAsync("u1", Ct));
        Assert.Equal([first], await _store.GetHistoryAsync("u1", Ct));
    }

    [Fact]
    public async Task History_is_ordered_by_version_past_9_10_and_100()
    {
        long[] versions = [100, 9, 1, 1000, 10, 2, 99, 11, 101, 12345678901];
        var account = await _store.TryWriteAsync(NewAccount("u1", "DE"), null, Ct);
        foreach (var version in versions)
        {
            var change = new SettingChange(version, version % 2 == 0, Now.AddSeconds(version % 1000), ChangeChannel.User, "p1");
            account = await _store.TryWriteAsync(account! with { Setting = change.Enabled, SettingVersion = version }, change, Ct);
            Assert.NotNull(account);
        }

        var history = await _store.GetHistoryAsync("u1", Ct);

        Assert.Equal(versions.Order(), history.Select(change => change.Version));
        Assert.All(history, change => Assert.Equal(change.Version % 2 == 0, change.Enabled));

        // The stored keys themselves sort by version (D19), so the table returns them in order.
        var keys = new List<string>();
        await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"u1"}"), cancellationToken: Ct))
        {
            keys.Add(row.RowKey);
        }

        Assert.Equal(["account", .. versions.Order().Select(version => $"history|{version:D19}")], keys);
    }

    [Fact]
    public async Task History_keeps_a_reset_to_the_default_and_both_channels()
    {
        var account = await _store.TryWriteAsync(NewAccount("u1", "DE"), null, Ct);
        SettingChange[] changes =
        [
            new(1, true, Now, ChangeChannel.User, "p1"),
            new(2, null, Now.AddDays(1), ChangeChannel.Service, "p2"),
        ];
        foreach (var change in changes)
        {
            account = await _store.TryWriteAsync(account! with { Setting = change.Enabled, SettingVersion = change.Version, SettingUpdatedAt = change.At }, change, Ct);
        }

        Assert.Equal(changes, await _store.GetHistoryAsync("u1", Ct));
        Assert.Null((await _store.FindAsync("u1", Ct))!.Setting);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Of_eight_concurrent_writes_with_the_same_token_exactly_one_wins(bool withHistory)
    {
        var created = await _store.TryWriteAsync(NewAccount("u1", "DE"), null, Ct);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = Enumerable.Range(0, 8).Select(writer => Task.Run(
            async () =>
            {
                await start.Task;
                var proposed = created! with { Setting = writer % 2 == 0, SettingVersion = 1, SettingUpdatedAt = Now.AddTicks(writer) };
                var change = withHistory ? new SettingChange(1, writer % 2 == 0, Now.AddTicks(writer), ChangeChannel.User, $"writer{writer}") : null;
                return (Writer: writer, Written: await _store.TryWriteAsync(proposed, change, Ct));
            },
            Ct)).ToList();
        start.SetResult();
        var results = await Task.WhenAll(writers);

        var winner = Assert.Single(results, result => result.Written is not null);
        Assert.Equal(winner.Written, await _store.FindAsync("u1", Ct));
        var history = await _store.GetHistoryAsync("u1", Ct);
        if (withHistory)
        {
            Assert.Equal($"writer{winner.Writer}", Assert.Single(history).PolicyVersion);
        }
        else
        {
            Assert.Empty(history);
        }
    }

    [Fact]
    public async Task Linked_devices_are_listed_once_each_and_apart_from_the_history()
    {
        var account = await _store.TryWriteAsync(NewAccount("u1", "DE"), null, Ct);
        await _store.TryWriteAsync(account! with { Setting = true, SettingVersion = 1 }, new SettingChange(1, true, Now, ChangeChannel.User, "p1"), Ct);

        await _store.AddDeviceLinkAsync("u1", "device-b", Now, Ct);
        await _store.AddDeviceLinkAsync("u1", "device-a", Now, Ct);
        await _store.AddDeviceLinkAsync("u1", "device-b", Now.AddDays(1), Ct);
        await _store.AddDeviceLinkAsync("u2", "device-c", Now, Ct);

        Assert.Equal(["device-a", "device-b"], await _store.GetLinkedDevicesAsync("u1", Ct));
        Assert.Equal(["device-c"], await _store.GetLinkedDevicesAsync("u2", Ct));
        Assert.Empty(await _store.GetLinkedDevicesAsync("u3", Ct));
        Assert.Single(await _store.GetHistoryAsync("u1", Ct));
    }

    private static AccountRecord NewAccount(string userId, string country) =>
        new(userId, CountryCode.Parse(country), SignedUp, 1, null, 0, null, Deleted: false, ConcurrencyToken: null);
}
