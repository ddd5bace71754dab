using System.Globalization;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Policy;
using ConsentGateway.Infrastructure.TableStorage;
using ConsentGateway.Testing;

namespace ConsentGateway.Infrastructure.Tests;

[Collection(SharedAzurite.Name)]
public sealed class TableAccountStoreTests(AzuriteServer azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset SignedUp = new DateTimeOffset(2019, 3, 1, 12, 30, 15, TimeSpan.Zero).AddTicks(1234567);
    private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero).AddTicks(7654321);

    private static readonly CancellationToken Ct = CancellationToken.None;

    private TableClient _table = null!;
    private TableAccountStore _store = null!;

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
    public async Task Account_facts_round_trip_in_utc_to_the_tick()
    {
        AccountRecord[] accounts =
        [
            NewAccount("germany", "DE"),
            NewAccount("moved-twice", "US") with { Revision = 3 },
            NewAccount("offset", "GB") with { SignedUpAt = new DateTimeOffset(2020, 6, 30, 23, 59, 59, TimeSpan.FromHours(2)).AddTicks(1) },
            NewAccount("tombstone", "NO") with { Revision = 9, Deleted = true },
        ];

        foreach (var account in accounts)
        {
            var written = await _store.TryWriteAccountAsync(account, null, Ct);
            Assert.NotNull(written);
            Assert.False(string.IsNullOrEmpty(written.ConcurrencyToken));
            Assert.Equal(account with { ConcurrencyToken = written.ConcurrencyToken }, written);

            var found = await _store.FindAsync(account.UserId, Ct);
            Assert.Equal(written, found);

            // Record equality compares instants only: check the offset and the ticks too.
            Assert.Equal(TimeSpan.Zero, found!.SignedUpAt.Offset);
            Assert.Equal(account.SignedUpAt.UtcTicks, found.SignedUpAt.Ticks);
            Assert.Equal(account.Country.ToString(), found.Country.ToString());
            Assert.Equal(account.Deleted, found.Deleted);
            Assert.Equal(account.Revision, found.Revision);
        }
    }

    [Fact]
    public async Task An_account_never_changed_reads_no_setting_at_version_0()
    {
        await _store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);

        var found = await _store.FindAsync("u1", Ct);

        Assert.NotNull(found);
        Assert.Null(found.Setting);
        Assert.Equal(0, found.SettingVersion);
        Assert.Null(found.SettingUpdatedAt);
    }

    [Fact]
    public async Task The_setting_fields_of_a_proposed_account_are_not_stored()
    {
        // The setting is its history: writing the facts with setting fields does not invent one.
        var proposed = NewAccount("u1", "DE") with { Setting = true, SettingVersion = 7, SettingUpdatedAt = Now };

        Assert.NotNull(await _store.TryWriteAccountAsync(proposed, null, Ct));

        var found = await _store.FindAsync("u1", Ct);
        Assert.Equal((null, 0L, null), (found!.Setting, found.SettingVersion, found.SettingUpdatedAt));
        Assert.Empty(await _store.GetHistoryAsync("u1", Ct));
    }

    [Fact]
    public async Task Find_reads_the_newest_appended_change()
    {
        var created = await _store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);
        var at = new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.FromHours(1)).AddTicks(3);

        Assert.True(await _store.TryAppendChangeAsync("u1", new SettingChange(1, true, at, ChangeChannel.User, "p1"), Ct));
        Assert.True(await _store.TryAppendChangeAsync("u1", new SettingChange(2, false, at.AddSeconds(1), ChangeChannel.Service, "p1"), Ct));

        var found = await _store.FindAsync("u1", Ct);
        Assert.Equal(created! with { Setting = false, SettingVersion = 2, SettingUpdatedAt = at.AddSeconds(1) }, found);

        // Appending a change leaves the account row, and so its token, alone.
        Assert.Equal(created.ConcurrencyToken, found!.ConcurrencyToken);
        Assert.Equal(TimeSpan.Zero, found.SettingUpdatedAt!.Value.Offset);
        Assert.Equal(at.AddSeconds(1).UtcTicks, found.SettingUpdatedAt.Value.Ticks);
    }

    [Theory]
    [InlineData(9)]
    [InlineData(99)]
    public async Task Find_reads_the_newest_change_past_a_power_of_ten(int last)
    {
        await _store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);
        for (var version = 1; version <= last + 1; version++)
        {
            Assert.True(await _store.TryAppendChangeAsync("u1", Change(version), Ct));
            var found = await _store.FindAsync("u1", Ct);

            // 9 → 10 and 99 → 100 are where a key not padded to a fixed width would sort wrongly.
            Assert.Equal(version, found!.SettingVersion);
            Assert.Equal(version % 2 == 0, found.Setting);
            Assert.Equal(Now.AddSeconds(version), found.SettingUpdatedAt);
        }
    }

    [Fact]
    public async Task Find_reads_the_highest_version_not_the_last_inserted()
    {
        await _store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);

        Assert.True(await _store.TryAppendChangeAsync("u1", Change(100), Ct));
        Assert.True(await _store.TryAppendChangeAsync("u1", Change(99), Ct));
        Assert.True(await _store.TryAppendChangeAsync("u1", Change(10), Ct));

        var found = await _store.FindAsync("u1", Ct);
        Assert.Equal((true, 100L, Now.AddSeconds(100)), (found!.Setting, found.SettingVersion, found.SettingUpdatedAt));
    }

    [Fact]
    public async Task A_reset_entry_as_the_newest_change_reads_as_no_setting_at_its_version()
    {
        var created = await _store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);
        var first = new SettingChange(1, true, Now, ChangeChannel.User, "p1");
        Assert.True(await _store.TryAppendChangeAsync("u1", first, Ct));

        var reset = new SettingChange(2, null, Now.AddDays(1), ChangeChannel.Service, "p2");
        var deleted = created! with { Revision = 2, Deleted = true, Setting = null, SettingVersion = 2, SettingUpdatedAt = reset.At };
        var written = await _store.TryWriteAccountAsync(deleted, reset, Ct);

        Assert.NotNull(written);
        var found = await _store.FindAsync("u1", Ct);
        Assert.Equal(written, found);
        Assert.Equal((true, false, null, 2L, reset.At), (found!.Deleted, found.Exists, found.Setting, found.SettingVersion, found.SettingUpdatedAt));
        Assert.Equal([first, reset], await _store.GetHistoryAsync("u1", Ct));
    }

    [Fact]
    public async Task Appending_a_version_that_exists_returns_false_and_writes_nothing()
    {
        await _store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);
        var first = new SettingChange(1, true, Now, ChangeChannel.User, "p1");
        Assert.True(await _store.TryAppendChangeAsync("u1", first, Ct));
        var before = await _store.FindAsync("u1", Ct);

        Assert.False(await _store.TryAppendChangeAsync("u1", new SettingChange(1, false, Now.AddMinutes(1), ChangeChannel.Service, "p2"), Ct));

        Assert.Equal(before, await _store.FindAsync("u1", Ct));
        Assert.Equal([first], await _store.GetHistoryAsync("u1", Ct));
    }

    [Fact]
    public async Task Of_eight_concurrent_appends_of_the_same_version_exactly_one_wins()
    {
        await _store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = Enumerable.Range(0, 8).Select(writer => Task.Run(
            async () =>
            {
                await start.Task;
                var change = new SettingChange(1, writer % 2 == 0, Now.AddTicks(writer), ChangeChannel.User, $"writer{writer}");
                return (Change: change, Appended: await _store.TryAppendChangeAsync("u1", change, Ct));
            },
            Ct)).ToList();
        start.SetResult();
        var results = await Task.WhenAll(writers);

        var winner = Assert.Single(results, result => result.Appended);
        Assert.Equal([winner.Change], await _store.GetHistoryAsync("u1", Ct));
        var found = await _store.FindAsync("u1", Ct);
        Assert.Equal((winner.Change.Enabled, 1L, winner.Change.At), (found!.Setting, found.SettingVersion, found.SettingUpdatedAt));
    }

    [Fact]
    public async Task A_write_with_a_stale_token_returns_null_and_changes_nothing()
    {
        var first = await _store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);
        var second = await _store.TryWriteAccountAsync(first! with { Country = CountryCode.Parse("FR"), Revision = 2 }, null, Ct);
        Assert.NotNull(second);
        Assert.NotEqual(first.ConcurrencyToken, second.ConcurrencyToken);

        Assert.Null(await _store.TryWriteAccountAsync(first with { Country = CountryCode.Parse("IT"), Revision = 2 }, null, Ct));
        var reset = new SettingChange(1, null, Now, ChangeChannel.Service, "p1");
        Assert.Null(await _store.TryWriteAccountAsync(first with { Revision = 2, Deleted = true, SettingVersion = 1, SettingUpdatedAt = Now }, reset, Ct));

        Assert.Equal(second, await _store.FindAsync("u1", Ct));
        Assert.Empty(await _store.GetHistoryAsync("u1", Ct));
    }

    [Fact]
    public async Task Inserting_an_account_that_exists_returns_null_and_changes_nothing()
    {
        var stored = await _store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);

        Assert.Null(await _store.TryWriteAccountAsync(NewAccount("u1", "FR"), null, Ct));
        var change = new SettingChange(1, false, Now, ChangeChannel.User, "p1");
        Assert.Null(await _store.TryWriteAccountAsync(NewAccount("u1", "FR") with { Setting = false, SettingVersion = 1, SettingUpdatedAt = Now }, change, Ct));

        Assert.Equal(stored, await _store.FindAsync("u1", Ct));
        Assert.Empty(await _store.GetHistoryAsync("u1", Ct));
    }

    [Fact]
    public async Task A_write_with_a_change_commits_the_account_and_its_history_row_together()
    {
        var created = await _store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);
        var reset = new SettingChange(1, null, Now, ChangeChannel.Service, "2020-04-06");
        var proposed = created! with { Revision = 2, Deleted = true, SettingVersion = 1, SettingUpdatedAt = Now };

        var written = await _store.TryWriteAccountAsync(proposed, reset, Ct);

        Assert.NotNull(written);
        Assert.NotEqual(created.ConcurrencyToken, written.ConcurrencyToken);
        Assert.Equal(proposed with { ConcurrencyToken = written.ConcurrencyToken }, written);
        Assert.Equal(written, await _store.FindAsync("u1", Ct));
        Assert.Equal([reset], await _store.GetHistoryAsync("u1", Ct));
    }

    [Fact]
    public async Task An_account_and_its_first_history_row_can_be_inserted_together()
    {
        var proposed = NewAccount("u1", "DE") with { Setting = false, SettingVersion = 1, SettingUpdatedAt = Now };
        var change = new SettingChange(1, false, Now, ChangeChannel.Service, "p1");

        var written = await _store.TryWriteAccountAsync(proposed, change, Ct);

        Assert.NotNull(written);
        Assert.Equal(written, await _store.FindAsync("u1", Ct));
        Assert.Equal([change], await _store.GetHistoryAsync("u1", Ct));
    }

    [Fact]
    public async Task When_the_history_version_already_exists_neither_row_is_written()
    {
        await _store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);
        var first = new SettingChange(1, true, Now, ChangeChannel.User, "p1");
        Assert.True(await _store.TryAppendChangeAsync("u1", first, Ct));
        var before = await _store.FindAsync("u1", Ct);

        // The account row's token is current, but version 1 is already in the history (a setting
        // change got there between this writer's read and its write).
        var reset = new SettingChange(1, null, Now.AddMinutes(1), ChangeChannel.Service, "p2");
        var deleted = before! with { Revision = 2, Deleted = true, Setting = null, SettingUpdatedAt = reset.At };

        Assert.Null(await _store.TryWriteAccountAsync(deleted, reset, Ct));

        var after = await _store.FindAsync("u1", Ct);
        Assert.Equal(before, after);
        Assert.Equal(before.ConcurrencyToken, after!.ConcurrencyToken);
        Assert.False(after.Deleted);
        Assert.Equal([first], await _store.GetHistoryAsync("u1", Ct));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Of_eight_concurrent_account_writes_with_the_same_token_exactly_one_wins(bool withChange)
    {
        var created = await _store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = Enumerable.Range(0, 8).Select(writer => Task.Run(
            async () =>
            {
                await start.Task;
                var proposed = created! with { Revision = 2, Deleted = writer % 2 == 0, SignedUpAt = SignedUp.AddTicks(writer) };
                var change = withChange ? new SettingChange(1, null, Now.AddTicks(writer), ChangeChannel.Service, $"writer{writer}") : null;
                if (change is not null)
                {
                    proposed = proposed with { SettingVersion = 1, SettingUpdatedAt = change.At };
                }

                return (Writer: writer, Written: await _store.TryWriteAccountAsync(proposed, change, Ct));
            },
            Ct)).ToList();
        start.SetResult();
        var results = await Task.WhenAll(writers);

        var winner = Assert.Single(results, result => result.Written is not null);
        Assert.Equal(winner.Written, await _store.FindAsync("u1", Ct));
        var history = await _store.GetHistoryAsync("u1", Ct);
        if (withChange)
        {
            Assert.Equal($"writer{winner.Writer}", Assert.Single(history).PolicyVersion);
        }
        else
        {
            Assert.Empty(history);
        }
    }

    [Fact]
    public async Task History_is_read_oldest_first_and_stored_newest_first()
    {
        long[] versions = [100, 9, 1, 1000, 10, 2, 99, 11, 101, 12345678901];
        await _store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);
        foreach (var version in versions)
        {
            Assert.True(await _store.TryAppendChangeAsync("u1", Change(version), Ct));
        }

        await _store.AddDeviceLinkAsync("u1", "d1", Now, Ct);

        var history = await _store.GetHistoryAsync("u1", Ct);

        Assert.Equal(versions.Order(), history.Select(change => change.Version));
        Assert.All(history, change => Assert.Equal(Change(change.Version), change));

        // The stored keys count down from long.MaxValue, zero-padded to 19 digits, so the table
        // returns the partition as: the account row, the links, the newest change … the oldest.
        var keys = await RowKeysAsync("u1");
        Assert.Equal(
            ["account", "device|d1", .. versions.OrderDescending().Select(version => "history|" + (long.MaxValue - version).ToString("D19", CultureInfo.InvariantCulture))],
            keys);
    }

    [Fact]
    public async Task History_keeps_a_reset_to_the_default_and_both_channels()
    {
        var created = await _store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);
        var granted = new SettingChange(1, true, Now, ChangeChannel.User, "p1");
        var reset = new SettingChange(2, null, Now.AddDays(1), ChangeChannel.Service, "p2");
        var granted3 = new SettingChange(3, false, Now.AddDays(2), ChangeChannel.User, "p2");

        Assert.True(await _store.TryAppendChangeAsync("u1", granted, Ct));
        Assert.NotNull(await _store.TryWriteAccountAsync(created! with { Revision = 2, Deleted = true, SettingVersion = 2, SettingUpdatedAt = reset.At }, reset, Ct));
        Assert.True(await _store.TryAppendChangeAsync("u1", granted3, Ct));

        Assert.Equal([granted, reset, granted3], await _store.GetHistoryAsync("u1", Ct));
    }

    [Fact]
    public async Task Linked_devices_never_disturb_find()
    {
        // Whatever the device ids (some would sort before "account" or "history" on their own), the
        // index rows are "device|{adId}": after the account row and before the history, and not read by find.
        string[] devices = ["0", "a", "account", "history", "zz"];
        var created = await _store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);
        foreach (var device in devices)
        {
            await _store.AddDeviceLinkAsync("u1", device, Now, Ct);
        }

        Assert.Equal(created, await _store.FindAsync("u1", Ct));

        for (var version = 1; version <= 3; version++)
        {
            Assert.True(await _store.TryAppendChangeAsync("u1", Change(version), Ct));
        }

        await _store.AddDeviceLinkAsync("u1", "late", Now, Ct);

        Assert.Equal(created! with { Setting = false, SettingVersion = 3, SettingUpdatedAt = Now.AddSeconds(3) }, await _store.FindAsync("u1", Ct));
        Assert.Equal([.. devices.Append("late").Order(StringComparer.Ordinal)], await _store.GetLinkedDevicesAsync("u1", Ct));
    }

    [Fact]
    public async Task Finding_an_account_is_one_request_however_many_devices_are_linked()
    {
        // The projector reads the account for every change of it: 40 linked devices took 3 requests
        // (pages of 16 from the account row to the newest change), 400 took 26.
        var created = await _store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);
        for (var device = 0; device < 40; device++)
        {
            await _store.AddDeviceLinkAsync("u1", $"device-{device:D2}", Now, Ct);
        }

        Assert.True(await _store.TryAppendChangeAsync("u1", Change(1), Ct));
        Assert.True(await _store.TryAppendChangeAsync("u1", Change(2), Ct));
        var requests = new RequestCounter();
        var options = new TableClientOptions();
        options.AddPolicy(requests, HttpPipelinePosition.PerCall);
        var counted = new TableAccountStore(new TableServiceClient(azurite.ConnectionString, options).GetTableClient(_table.Name));

        var found = await counted.FindAsync("u1", Ct);

        Assert.Equal(created! with { Setting = true, SettingVersion = 2, SettingUpdatedAt = Now.AddSeconds(2) }, found);
        Assert.Equal(1, requests.Count);
    }

    [Fact]
    public async Task Links_without_an_account_row_are_not_an_account()
    {
        await _store.AddDeviceLinkAsync("u1", "d1", Now, Ct);

        Assert.Null(await _store.FindAsync("u1", Ct));
    }

    [Fact]
    public async Task Linked_devices_are_listed_once_each_and_apart_from_the_history()
    {
        await _store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);
        Assert.True(await _store.TryAppendChangeAsync("u1", Change(1), Ct));

        await _store.AddDeviceLinkAsync("u1", "device-b", Now, Ct);
        await _store.AddDeviceLinkAsync("u1", "device-a", Now, Ct);
        await _store.AddDeviceLinkAsync("u1", "device-b", Now.AddDays(1), Ct);
        await _store.AddDeviceLinkAsync("u2", "device-c", Now, Ct);

        await _store.TryWriteAccountAsync(NewAccount("u2", "DE"), null, Ct);
        await _store.TryWriteAccountAsync(NewAccount("u3", "DE"), null, Ct);
        Assert.Equal(["device-a", "device-b"], await _store.GetLinkedDevicesAsync("u1", Ct));
        Assert.Equal(["device-c"], await _store.GetLinkedDevicesAsync("u2", Ct));
        Assert.Empty(await _store.GetLinkedDevicesAsync("u3", Ct));
        Assert.Equal([Change(1)], await _store.GetHistoryAsync("u1", Ct));
    }

    private static AccountRecord NewAccount(string userId, string country) =>
        new(userId, CountryCode.Parse(country), SignedUp, 1, null, 0, null, Deleted: false, ConcurrencyToken: null);

    // Even versions enable, odd ones disable; each has its own instant.
    private static SettingChange Change(long version) =>
        new(version, version % 2 == 0, Now.AddSeconds(version % 100_000), ChangeChannel.User, "p1");

    private sealed class RequestCounter : HttpPipelineSynchronousPolicy
    {
        private int _count;

        public int Count => _count;

        public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
    }

    private async Task<List<string>> RowKeysAsync(string userId)
    {
        var keys = new List<string>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {userId}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: [nameof(TableEntity.RowKey)], cancellationToken: Ct))
        {
            keys.Add(row.RowKey);
        }

        return keys;
    }
}
