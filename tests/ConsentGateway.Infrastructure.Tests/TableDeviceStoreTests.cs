using Azure.Data.Tables;
using ConsentGateway.Infrastructure.TableStorage;
using ConsentGateway.Testing;

namespace ConsentGateway.Infrastructure.Tests;

[Collection(SharedAzurite.Name)]
public sealed class TableDeviceStoreTests(AzuriteServer azurite) : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset Opened = new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero).AddTicks(42);
    private static readonly DateTimeOffset LoggedIn = Opened.AddDays(3);

    private TableClient _table = null!;
    private TableDeviceStore _store = null!;

    public async Task InitializeAsync()
    {
        _table = await azurite.CreateTableAsync("devices");
        _store = new TableDeviceStore(_table);
    }

    public Task DisposeAsync() => _table.DeleteAsync();

    [Fact]
    public async Task A_device_never_registered_is_not_found()
    {
        Assert.Null(await _store.FindAsync("never-seen", Ct));
    }

    [Fact]
    public async Task Registering_is_new_the_first_time_only_and_keeps_the_first_time()
    {
        Assert.True(await _store.RegisterAsync("d1", Opened, Ct));
        Assert.False(await _store.RegisterAsync("d1", Opened.AddHours(1), Ct));

        var device = await _store.FindAsync("d1", Ct);

        Assert.NotNull(device);
        Assert.Equal("d1", device.AdId);
        Assert.Equal(Opened.Ticks, device.RegisteredAt.Ticks);
        Assert.Equal(TimeSpan.Zero, device.RegisteredAt.Offset);
        Assert.Empty(device.LinkedUserIds);
    }

    [Fact]
    public async Task Linking_is_new_the_first_time_only()
    {
        await _store.RegisterAsync("d1", Opened, Ct);

        Assert.True(await _store.LinkAsync("d1", "u1", LoggedIn, Ct));
        Assert.False(await _store.LinkAsync("d1", "u1", LoggedIn.AddHours(1), Ct));

        var device = await _store.FindAsync("d1", Ct);
        Assert.Equal(["u1"], device!.LinkedUserIds);
        Assert.Equal(Opened, device.RegisteredAt);
    }

    [Fact]
    public async Task Linking_a_device_never_registered_registers_it()
    {
        Assert.True(await _store.LinkAsync("d1", "u1", LoggedIn, Ct));

        var device = await _store.FindAsync("d1", Ct);
        Assert.NotNull(device);
        Assert.Equal(LoggedIn, device.RegisteredAt);
        Assert.Equal(["u1"], device.LinkedUserIds);
        Assert.False(await _store.RegisterAsync("d1", LoggedIn.AddHours(1), Ct));
    }

    [Fact]
    public async Task Finding_a_device_returns_every_linked_user_and_only_its_own()
    {
        await _store.RegisterAsync("d1", Opened, Ct);
        await _store.LinkAsync("d1", "u2", LoggedIn, Ct);
        await _store.LinkAsync("d1", "u1", LoggedIn, Ct);
        await _store.LinkAsync("d2", "u3", LoggedIn, Ct);

        Assert.Equal(["u1", "u2"], (await _store.FindAsync("d1", Ct))!.LinkedUserIds);
        Assert.Equal(["u3"], (await _store.FindAsync("d2", Ct))!.LinkedUserIds);
    }
}
