using ConsentGateway.Core.Accounts;

namespace ConsentGateway.Infrastructure.Tests.Contracts;

/// <summary>What every <see cref="IDeviceStore"/> adapter must do, whatever it stores the rows in.</summary>
public abstract class DeviceStoreContract(IStoreHarness harness)
    : StoreContract<IDeviceStore>(harness, static (h, ct) => h.CreateDeviceStoreAsync(ct))
{
    protected static readonly DateTimeOffset Opened = new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero).AddTicks(42);
    protected static readonly DateTimeOffset LoggedIn = Opened.AddDays(3);

    [Fact]
    public async Task A_device_never_registered_is_not_found()
    {
        Assert.Null(await Store.FindAsync("never-seen", Ct));
    }

    [Fact]
    public async Task Registering_is_new_the_first_time_only_and_keeps_the_first_time()
    {
        Assert.True(await Store.RegisterAsync("d1", Opened, Ct));
        Assert.False(await Store.RegisterAsync("d1", Opened.AddHours(1), Ct));

        var device = await Store.FindAsync("d1", Ct);

        Assert.NotNull(device);
        Assert.Equal("d1", device.AdId);
        Assert.Equal(Opened.Ticks, device.RegisteredAt.Ticks);
        Assert.Equal(TimeSpan.Zero, device.RegisteredAt.Offset);
        Assert.Empty(device.LinkedUserIds);
    }

    [Fact]
    public async Task A_registration_time_reads_back_in_utc_to_the_tick()
    {
        var at = new DateTimeOffset(2026, 11, 1, 23, 30, 0, TimeSpan.FromHours(-5)).AddTicks(7);

        Assert.True(await Store.RegisterAsync("d1", at, Ct));

        var registeredAt = (await Store.FindAsync("d1", Ct))!.RegisteredAt;
        Assert.Equal(TimeSpan.Zero, registeredAt.Offset);
        Assert.Equal(at.UtcTicks, registeredAt.Ticks);
    }

    [Fact]
    public async Task Linking_is_new_the_first_time_only()
    {
        await Store.RegisterAsync("d1", Opened, Ct);

        Assert.True(await Store.LinkAsync("d1", "u1", LoggedIn, Ct));
        Assert.False(await Store.LinkAsync("d1", "u1", LoggedIn.AddHours(1), Ct));

        var device = await Store.FindAsync("d1", Ct);
        Assert.Equal(["u1"], device!.LinkedUserIds);
        Assert.Equal(Opened, device.RegisteredAt);
    }

    [Fact]
    public async Task Linking_a_device_never_registered_registers_it()
    {
        Assert.True(await Store.LinkAsync("d1", "u1", LoggedIn, Ct));

        var device = await Store.FindAsync("d1", Ct);
        Assert.NotNull(device);
        Assert.Equal(LoggedIn, device.RegisteredAt);
        Assert.Equal(["u1"], device.LinkedUserIds);
        Assert.False(await Store.RegisterAsync("d1", LoggedIn.AddHours(1), Ct));
    }

    [Fact]
    public async Task Finding_a_device_returns_every_linked_user_and_only_its_own()
    {
        await Store.RegisterAsync("d1", Opened, Ct);
        await Store.LinkAsync("d1", "u2", LoggedIn, Ct);
        await Store.LinkAsync("d1", "u1", LoggedIn, Ct);
        await Store.LinkAsync("d2", "u3", LoggedIn, Ct);

        Assert.Equal(["u1", "u2"], (await Store.FindAsync("d1", Ct))!.LinkedUserIds);
        Assert.Equal(["u3"], (await Store.FindAsync("d2", Ct))!.LinkedUserIds);
        Assert.Null(await Store.FindAsync("d", Ct));
    }

    [Fact]
    public async Task Linked_user_ids_are_in_ordinal_order_whatever_they_look_like()
    {
        // Ordinal, not alphabetical ("B" before "a", "10" before "9"), and ids that name parts
        // of a layout ("device", "link") are accounts like any other.
        string[] users = ["a", "B", "9", "10", "device", "link", "a-b", "a_b", "a:b", "a.b"];
        await Store.RegisterAsync("d1", Opened, Ct);
        foreach (var user in users)
        {
            Assert.True(await Store.LinkAsync("d1", user, LoggedIn, Ct));
        }

        var device = await Store.FindAsync("d1", Ct);

        Assert.Equal(users.Order(StringComparer.Ordinal), device!.LinkedUserIds);
        Assert.Equal(Opened, device.RegisteredAt);
    }

    [Fact]
    public async Task Of_eight_concurrent_registrations_of_a_device_exactly_one_is_new()
    {
        var results = await RaceAsync(8, writer => Store.RegisterAsync("d1", Opened.AddTicks(writer), Ct));

        var first = Assert.Single(Enumerable.Range(0, results.Length), writer => results[writer]);
        Assert.Equal(Opened.AddTicks(first), (await Store.FindAsync("d1", Ct))!.RegisteredAt);
    }

    [Fact]
    public async Task Of_eight_concurrent_links_of_the_same_account_exactly_one_is_new()
    {
        var results = await RaceAsync(8, writer => Store.LinkAsync("d1", "u1", LoggedIn.AddTicks(writer), Ct));

        Assert.Single(results, linked => linked);
        Assert.Equal(["u1"], (await Store.FindAsync("d1", Ct))!.LinkedUserIds);
    }

    [Fact]
    public async Task Concurrent_links_of_many_accounts_to_one_device_all_land()
    {
        var users = Enumerable.Range(0, 40).Select(i => $"user-{i:D2}").ToList();

        var results = await RaceAsync(users.Count, writer => Store.LinkAsync("d1", users[writer], LoggedIn.AddTicks(writer), Ct));

        Assert.All(results, Assert.True);
        Assert.Equal(users, (await Store.FindAsync("d1", Ct))!.LinkedUserIds);
    }
}
