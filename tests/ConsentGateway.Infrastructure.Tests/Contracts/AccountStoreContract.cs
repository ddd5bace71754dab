using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Policy;

namespace ConsentGateway.Infrastructure.Tests.Contracts;

/// <summary>What every <see cref="IAccountStore"/> adapter must do, whatever it stores the rows in.</summary>
public abstract class AccountStoreContract(IStoreHarness harness)
    : StoreContract<IAccountStore>(harness, static (h, ct) => h.CreateAccountStoreAsync(ct))
{
    protected static readonly DateTimeOffset SignedUp = new DateTimeOffset(2019, 3, 1, 12, 30, 15, TimeSpan.Zero).AddTicks(1234567);
    protected static readonly DateTimeOffset Now = new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero).AddTicks(7654321);

    public static TheoryData<bool, bool> ConcurrentWrites => new() { { false, false }, { true, false }, { false, true }, { true, true } };

    [Fact]
    public async Task Finding_an_account_never_written_returns_null()
    {
        Assert.Null(await Store.FindAsync("nobody", Ct));
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
            var written = await Store.TryWriteAccountAsync(account, null, Ct);
            Assert.NotNull(written);
            Assert.False(string.IsNullOrEmpty(written.ConcurrencyToken));
            Assert.Equal(account with { ConcurrencyToken = written.ConcurrencyToken }, written);

            var found = await Store.FindAsync(account.UserId, Ct);
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
        await Store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);

        var found = await Store.FindAsync("u1", Ct);

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

        Assert.NotNull(await Store.TryWriteAccountAsync(proposed, null, Ct));

        var found = await Store.FindAsync("u1", Ct);
        Assert.Equal((null, 0L, null), (found!.Setting, found.SettingVersion, found.SettingUpdatedAt));
        Assert.Empty(await Store.GetHistoryAsync("u1", Ct));
    }

    [Fact]
    public async Task Find_reads_the_newest_appended_change()
    {
        var created = await Store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);
        var at = new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.FromHours(1)).AddTicks(3);

        Assert.True(await Store.TryAppendChangeAsync("u1", new SettingChange(1, true, at, ChangeChannel.User, "p1"), Ct));
        Assert.True(await Store.TryAppendChangeAsync("u1", new SettingChange(2, false, at.AddSeconds(1), ChangeChannel.Service, "p1"), Ct));

        var found = await Store.FindAsync("u1", Ct);
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
        await Store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);
        for (var version = 1; version <= last + 1; version++)
        {
            Assert.True(await Store.TryAppendChangeAsync("u1", Change(version), Ct));
            var found = await Store.FindAsync("u1", Ct);

            // 9 → 10 and 99 → 100 are where a version kept as text not padded to a fixed width would sort wrongly.
            Assert.Equal(version, found!.SettingVersion);
            Assert.Equal(version % 2 == 0, found.Setting);
            Assert.Equal(Now.AddSeconds(version), found.SettingUpdatedAt);
        }
    }

    [Fact]
    public async Task Find_reads_the_highest_version_not_the_last_inserted()
    {
        await Store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);

        Assert.True(await Store.TryAppendChangeAsync("u1", Change(100), Ct));
        Assert.True(await Store.TryAppendChangeAsync("u1", Change(99), Ct));
        Assert.True(await Store.TryAppendChangeAsync("u1", Change(10), Ct));

        var found = await Store.FindAsync("u1", Ct);
        Assert.Equal((true, 100L, Now.AddSeconds(100)), (found!.Setting, found.SettingVersion, found.SettingUpdatedAt));
    }

    [Fact]
    public async Task A_reset_entry_as_the_newest_change_reads_as_no_setting_at_its_version()
    {
        var created = await Store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);
        var first = new SettingChange(1, true, Now, ChangeChannel.User, "p1");
        Assert.True(await Store.TryAppendChangeAsync("u1", first, Ct));

        var reset = new SettingChange(2, null, Now.AddDays(1), ChangeChannel.Service, "p2");
        var deleted = created! with { Revision = 2, Deleted = true, Setting = null, SettingVersion = 2, SettingUpdatedAt = reset.At };
        var written = await Store.TryWriteAccountAsync(deleted, reset, Ct);

        Assert.NotNull(written);
        var found = await Store.FindAsync("u1", Ct);
        Assert.Equal(written, found);
        Assert.Equal((true, false, null, 2L, reset.At), (found!.Deleted, found.Exists, found.Setting, found.SettingVersion, found.SettingUpdatedAt));
        Assert.Equal([first, reset], await Store.GetHistoryAsync("u1", Ct));
    }

    [Fact]
    public async Task Appending_a_version_that_exists_returns_false_and_writes_nothing()
    {
        var (first, before) = await WriteAccountWithAFirstChangeAsync();

        Assert.False(await Store.TryAppendChangeAsync("u1", new SettingChange(1, false, Now.AddMinutes(1), ChangeChannel.Service, "p2"), Ct));

        Assert.Equal(before, await Store.FindAsync("u1", Ct));
        Assert.Equal([first], await Store.GetHistoryAsync("u1", Ct));
    }

    [Fact]
    public async Task A_version_is_unique_per_account_not_across_accounts()
    {
        await Store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);
        await Store.TryWriteAccountAsync(NewAccount("u2", "DE"), null, Ct);
        var granted = new SettingChange(1, true, Now, ChangeChannel.User, "p1");
        var refused = new SettingChange(1, false, Now.AddMinutes(1), ChangeChannel.Service, "p2");

        Assert.True(await Store.TryAppendChangeAsync("u1", granted, Ct));
        Assert.True(await Store.TryAppendChangeAsync("u2", refused, Ct));

        Assert.Equal([granted], await Store.GetHistoryAsync("u1", Ct));
        Assert.Equal([refused], await Store.GetHistoryAsync("u2", Ct));
        Assert.Equal((true, false), ((await Store.FindAsync("u1", Ct))!.Setting, (await Store.FindAsync("u2", Ct))!.Setting));
    }

    [Fact]
    public async Task Of_eight_concurrent_appends_of_the_same_version_exactly_one_wins()
    {
        await Store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);

        var results = await RaceAsync(8, async writer =>
        {
            var change = new SettingChange(1, writer % 2 == 0, Now.AddTicks(writer), ChangeChannel.User, $"writer{writer}");
            return (Change: change, Appended: await Store.TryAppendChangeAsync("u1", change, Ct));
        });

        var winner = Assert.Single(results, result => result.Appended);
        Assert.Equal([winner.Change], await Store.GetHistoryAsync("u1", Ct));
        var found = await Store.FindAsync("u1", Ct);
        Assert.Equal((winner.Change.Enabled, 1L, winner.Change.At), (found!.Setting, found.SettingVersion, found.SettingUpdatedAt));
    }

    [Fact]
    public async Task Concurrent_appends_of_distinct_versions_all_land_and_read_back_oldest_first_without_a_gap()
    {
        // More than a thousand: past the page size of Table Storage (and any adapter reading in pages of 1000).
        const int versions = 1_050;
        await Store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);

        var appended = new bool[versions];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Ct };
        await Parallel.ForEachAsync(Enumerable.Range(0, versions), parallel, async (index, ct) => appended[index] = await Store.TryAppendChangeAsync("u1", Change(index + 1), ct));

        Assert.All(appended, Assert.True);
        var history = await Store.GetHistoryAsync("u1", Ct);
        Assert.Equal(Enumerable.Range(1, versions).Select(version => Change(version)), history);
        Assert.Equal(versions, (await Store.FindAsync("u1", Ct))!.SettingVersion);
    }

    [Fact]
    public async Task A_write_with_a_stale_token_returns_null_and_changes_nothing()
    {
        var first = await Store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);
        var second = await Store.TryWriteAccountAsync(first! with { Country = CountryCode.Parse("FR"), Revision = 2 }, null, Ct);
        Assert.NotNull(second);
        Assert.NotEqual(first.ConcurrencyToken, second.ConcurrencyToken);

        Assert.Null(await Store.TryWriteAccountAsync(first with { Country = CountryCode.Parse("IT"), Revision = 2 }, null, Ct));
        var reset = new SettingChange(1, null, Now, ChangeChannel.Service, "p1");
        Assert.Null(await Store.TryWriteAccountAsync(first with { Revision = 2, Deleted = true, SettingVersion = 1, SettingUpdatedAt = Now }, reset, Ct));

        Assert.Equal(second, await Store.FindAsync("u1", Ct));
        Assert.Empty(await Store.GetHistoryAsync("u1", Ct));
    }

    [Fact]
    public async Task A_write_under_the_token_it_got_back_succeeds()
    {
        var first = await Store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);
        var second = await Store.TryWriteAccountAsync(first! with { Country = CountryCode.Parse("FR"), Revision = 2 }, null, Ct);

        // The token a write returns is the stored one: the next write needs no read in between.
        var third = await Store.TryWriteAccountAsync(second! with { Country = CountryCode.Parse("IT"), Revision = 3 }, null, Ct);

        Assert.NotNull(third);
        Assert.NotEqual(second.ConcurrencyToken, third.ConcurrencyToken);
        Assert.Equal(third, await Store.FindAsync("u1", Ct));
        Assert.Equal("IT", third.Country.ToString());
    }

    [Fact]
    public async Task Inserting_an_account_that_exists_returns_null_and_changes_nothing()
    {
        var stored = await Store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);

        Assert.Null(await Store.TryWriteAccountAsync(NewAccount("u1", "FR"), null, Ct));
        var change = new SettingChange(1, false, Now, ChangeChannel.User, "p1");
        Assert.Null(await Store.TryWriteAccountAsync(NewAccount("u1", "FR") with { Setting = false, SettingVersion = 1, SettingUpdatedAt = Now }, change, Ct));

        Assert.Equal(stored, await Store.FindAsync("u1", Ct));
        Assert.Empty(await Store.GetHistoryAsync("u1", Ct));
    }

    [Fact]
    public async Task A_write_with_a_change_commits_the_account_and_its_history_entry_together()
    {
        var created = await Store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);
        var reset = new SettingChange(1, null, Now, ChangeChannel.Service, "2020-04-06");
        var proposed = created! with { Revision = 2, Deleted = true, SettingVersion = 1, SettingUpdatedAt = Now };

        var written = await Store.TryWriteAccountAsync(proposed, reset, Ct);

        Assert.NotNull(written);
        Assert.NotEqual(created.ConcurrencyToken, written.ConcurrencyToken);
        Assert.Equal(proposed with { ConcurrencyToken = written.ConcurrencyToken }, written);
        Assert.Equal(written, await Store.FindAsync("u1", Ct));
        Assert.Equal([reset], await Store.GetHistoryAsync("u1", Ct));
    }

    [Fact]
    public async Task An_account_and_its_first_history_entry_can_be_inserted_together()
    {
        var proposed = NewAccount("u1", "DE") with { Setting = false, SettingVersion = 1, SettingUpdatedAt = Now };
        var change = new SettingChange(1, false, Now, ChangeChannel.Service, "p1");

        var written = await Store.TryWriteAccountAsync(proposed, change, Ct);

        Assert.NotNull(written);
        Assert.Equal(written, await Store.FindAsync("u1", Ct));
        Assert.Equal([change], await Store.GetHistoryAsync("u1", Ct));
    }

    [Fact]
    public async Task When_the_history_version_already_exists_neither_the_account_nor_the_change_is_written()
    {
        var (first, before) = await WriteAccountWithAFirstChangeAsync();

        // The account's token is current, but version 1 is already in the history (a setting
        // change got there between this writer's read and its write).
        var reset = new SettingChange(1, null, Now.AddMinutes(1), ChangeChannel.Service, "p2");
        var deleted = before with { Revision = 2, Deleted = true, Setting = null, SettingUpdatedAt = reset.At };

        Assert.Null(await Store.TryWriteAccountAsync(deleted, reset, Ct));

        var after = await Store.FindAsync("u1", Ct);
        Assert.Equal(before, after);
        Assert.Equal(before.ConcurrencyToken, after!.ConcurrencyToken);
        Assert.False(after.Deleted);
        Assert.Equal([first], await Store.GetHistoryAsync("u1", Ct));

        // Nothing of the failed write holds the account either: a write under the same token still wins.
        Assert.NotNull(await Store.TryWriteAccountAsync(deleted, reset with { Version = 2 }, Ct));
    }

    [Theory]
    [MemberData(nameof(ConcurrentWrites))]
    public async Task Of_eight_concurrent_account_writes_with_the_same_token_exactly_one_wins(bool withChange, bool inserting)
    {
        // Inserting: eight writers create the same new account (no token); else they replace one under its token.
        var created = inserting ? NewAccount("u1", "DE") : await Store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);

        var results = await RaceAsync(8, async writer =>
        {
            var proposed = created! with { Revision = 2, Deleted = writer % 2 == 0, SignedUpAt = SignedUp.AddTicks(writer) };
            var change = withChange ? new SettingChange(1, null, Now.AddTicks(writer), ChangeChannel.Service, $"writer{writer}") : null;
            if (change is not null)
            {
                proposed = proposed with { SettingVersion = 1, SettingUpdatedAt = change.At };
            }

            return (Writer: writer, Written: await Store.TryWriteAccountAsync(proposed, change, Ct));
        });

        var winner = Assert.Single(results, result => result.Written is not null);
        Assert.Equal(winner.Written, await Store.FindAsync("u1", Ct));
        var history = await Store.GetHistoryAsync("u1", Ct);
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
    public async Task History_is_read_oldest_first_whatever_the_order_of_the_appends()
    {
        long[] versions = [100, 9, 1, 1000, 10, 2, 99, 11, 101, 12345678901];
        await Store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);
        foreach (var version in versions)
        {
            Assert.True(await Store.TryAppendChangeAsync("u1", Change(version), Ct));
        }

        await Store.AddDeviceLinkAsync("u1", "d1", Now, Ct);

        var history = await Store.GetHistoryAsync("u1", Ct);

        Assert.Equal(versions.Order(), history.Select(change => change.Version));
        Assert.All(history, change => Assert.Equal(Change(change.Version), change));
    }

    [Fact]
    public async Task The_history_of_an_account_never_written_is_empty()
    {
        await Store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);
        Assert.True(await Store.TryAppendChangeAsync("u1", Change(1), Ct));

        Assert.Empty(await Store.GetHistoryAsync("u2", Ct));
        Assert.Empty(await Store.GetHistoryAsync("u", Ct));
    }

    [Fact]
    public async Task History_keeps_a_reset_to_the_default_and_both_channels()
    {
        var created = await Store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);
        var granted = new SettingChange(1, true, Now, ChangeChannel.User, "p1");
        var reset = new SettingChange(2, null, Now.AddDays(1), ChangeChannel.Service, "p2");
        var granted3 = new SettingChange(3, false, Now.AddDays(2), ChangeChannel.User, "p2");

        Assert.True(await Store.TryAppendChangeAsync("u1", granted, Ct));
        Assert.NotNull(await Store.TryWriteAccountAsync(created! with { Revision = 2, Deleted = true, SettingVersion = 2, SettingUpdatedAt = reset.At }, reset, Ct));
        Assert.True(await Store.TryAppendChangeAsync("u1", granted3, Ct));

        Assert.Equal([granted, reset, granted3], await Store.GetHistoryAsync("u1", Ct));
    }

    [Fact]
    public async Task Linked_devices_never_disturb_find_and_are_listed_in_ordinal_order()
    {
        // Device ids that name parts of a layout ("account", "history") or sort differently
        // ordinally than alphabetically ("B" before "a", "9" after "10").
        string[] devices = ["0", "a", "account", "history", "zz", "B", "9", "10", "a-b", "a_b"];
        var created = await Store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);
        foreach (var device in devices)
        {
            await Store.AddDeviceLinkAsync("u1", device, Now, Ct);
        }

        Assert.Equal(created, await Store.FindAsync("u1", Ct));
        Assert.Equal([.. devices.Order(StringComparer.Ordinal)], await Store.GetLinkedDevicesAsync("u1", Ct));

        for (var version = 1; version <= 3; version++)
        {
            Assert.True(await Store.TryAppendChangeAsync("u1", Change(version), Ct));
        }

        await Store.AddDeviceLinkAsync("u1", "late", Now, Ct);

        Assert.Equal(created! with { Setting = false, SettingVersion = 3, SettingUpdatedAt = Now.AddSeconds(3) }, await Store.FindAsync("u1", Ct));
        Assert.Equal([.. devices.Append("late").Order(StringComparer.Ordinal)], await Store.GetLinkedDevicesAsync("u1", Ct));
        Assert.Equal(Enumerable.Range(1, 3).Select(version => Change(version)), await Store.GetHistoryAsync("u1", Ct));
    }

    [Fact]
    public async Task Links_without_an_account_are_not_an_account()
    {
        await Store.AddDeviceLinkAsync("u1", "d1", Now, Ct);

        Assert.Null(await Store.FindAsync("u1", Ct));
    }

    [Fact]
    public async Task Linked_devices_are_listed_once_each_and_apart_from_the_history()
    {
        await Store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);
        Assert.True(await Store.TryAppendChangeAsync("u1", Change(1), Ct));

        await Store.AddDeviceLinkAsync("u1", "device-b", Now, Ct);
        await Store.AddDeviceLinkAsync("u1", "device-a", Now, Ct);
        await Store.AddDeviceLinkAsync("u1", "device-b", Now.AddDays(1), Ct);
        await Store.AddDeviceLinkAsync("u2", "device-c", Now, Ct);

        await Store.TryWriteAccountAsync(NewAccount("u2", "DE"), null, Ct);
        await Store.TryWriteAccountAsync(NewAccount("u3", "DE"), null, Ct);
        Assert.Equal(["device-a", "device-b"], await Store.GetLinkedDevicesAsync("u1", Ct));
        Assert.Equal(["device-c"], await Store.GetLinkedDevicesAsync("u2", Ct));
        Assert.Empty(await Store.GetLinkedDevicesAsync("u3", Ct));
        Assert.Equal([Change(1)], await Store.GetHistoryAsync("u1", Ct));
    }

    [Fact]
    public async Task Concurrent_links_of_many_devices_to_one_account_all_land()
    {
        var created = await Store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);
        var devices = Enumerable.Range(0, 40).Select(i => $"device-{i:D2}").ToList();

        // Each device twice: the repeat is a no-op, however it interleaves with the first.
        await RaceAsync(devices.Count * 2, async writer =>
        {
            await Store.AddDeviceLinkAsync("u1", devices[writer % devices.Count], Now.AddTicks(writer), Ct);
            return writer;
        });

        Assert.Equal(devices, await Store.GetLinkedDevicesAsync("u1", Ct));

        // The index is not the account's facts: its token did not move.
        Assert.Equal(created!.ConcurrencyToken, (await Store.FindAsync("u1", Ct))!.ConcurrencyToken);
    }

    [Fact]
    public async Task Receipts_and_notice_versions_round_trip_and_a_change_without_them_reads_back_without_them()
    {
        await Store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);
        var withNotice = new SettingChange(1, true, Now, ChangeChannel.User, "p1", Guid.NewGuid(), "2020-04-06");
        var withoutNotice = new SettingChange(2, false, Now.AddSeconds(1), ChangeChannel.Service, "p1", Guid.NewGuid());
        var beforeReceipts = new SettingChange(3, true, Now.AddSeconds(2), ChangeChannel.User, "p1");

        foreach (var change in new[] { withNotice, withoutNotice, beforeReceipts })
        {
            Assert.True(await Store.TryAppendChangeAsync("u1", change, Ct));
        }

        var history = await Store.GetHistoryAsync("u1", Ct);
        Assert.Equal([withNotice, withoutNotice, beforeReceipts], history);
        Assert.Equal([(withNotice.ReceiptId, "2020-04-06"), (withoutNotice.ReceiptId, null), (null, null)], history.Select(c => (c.ReceiptId, c.NoticeVersion)));
    }

    [Fact]
    public async Task The_reset_written_with_the_account_keeps_its_receipt()
    {
        var created = await Store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);
        var reset = new SettingChange(1, null, Now, ChangeChannel.Service, "p1", Guid.NewGuid());

        Assert.NotNull(await Store.TryWriteAccountAsync(created! with { Revision = 2, Deleted = true }, reset, Ct));

        Assert.Equal(reset.ReceiptId, Assert.Single(await Store.GetHistoryAsync("u1", Ct)).ReceiptId);
    }

    /// <summary>Stores account u1 with one change (version 1, enabling) and returns the change and the account as read then.</summary>
    private async Task<(SettingChange First, AccountRecord Account)> WriteAccountWithAFirstChangeAsync()
    {
        await Store.TryWriteAccountAsync(NewAccount("u1", "DE"), null, Ct);
        var first = new SettingChange(1, true, Now, ChangeChannel.User, "p1");
        Assert.True(await Store.TryAppendChangeAsync("u1", first, Ct));
        return (first, (await Store.FindAsync("u1", Ct))!);
    }

    /// <summary>A new account at revision 1, never changed, not yet stored.</summary>
    internal static AccountRecord NewAccount(string userId, string country) =>
        new(userId, CountryCode.Parse(country), SignedUp, 1, null, 0, null, Deleted: false, ConcurrencyToken: null);

    /// <summary>The change of a version: even versions enable, odd ones disable; each has its own instant.</summary>
    internal static SettingChange Change(long version) =>
        new(version, version % 2 == 0, Now.AddSeconds(version % 100_000), ChangeChannel.User, "p1");
}
