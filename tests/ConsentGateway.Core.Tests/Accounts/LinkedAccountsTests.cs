using ConsentGateway.Contracts;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Policy;
using ConsentGateway.Core.Propagation;
using ConsentGateway.Testing.InMemory;
using ConsentGateway.Testing.Propagation;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Core.Tests.Accounts;

/// <summary>Links between devices and accounts: bounded per device, and projected per subject without fan-out.</summary>
public sealed class LinkedAccountsTests : IDisposable
{
    private const int Limit = 3;
    private static readonly CompiledPolicy Policy = PolicyLoader.Load(null);

    private readonly InMemoryAccountStore _accounts = new();
    private readonly InMemoryDeviceStore _devices = new();
    private readonly FlakyProjectionStore _projections = new(new InMemoryProjectionStore());
    private readonly InMemoryIntentLog _intents = new();
    private readonly QueuedPublisher _transport = new();
    private readonly TestMeterFactory _meters = new();
    private readonly PropagationMetrics _metrics;
    private readonly AccountService _service;
    private readonly Projector _projector;

    public LinkedAccountsTests()
    {
        var limits = Options.Create(new AccountsOptions { MaxAccountsPerDevice = Limit });
        _metrics = new PropagationMetrics(_meters);
        _service = new AccountService(_accounts, _devices, new PolicyInForce(Policy), new ChangeFeed(_intents, _transport, TimeProvider.System, NullLogger<ChangeFeed>.Instance), TimeProvider.System, limits);
        _projector = new Projector(_accounts, _devices, _projections, _intents, new InMemoryChangeLog(), [], TimeProvider.System, _metrics, limits);
    }

    public void Dispose()
    {
        _metrics.Dispose();
        _meters.Dispose();
    }

    [Fact]
    public async Task At_the_limit_a_new_link_is_refused_with_409_too_many_linked_accounts_and_changes_nothing()
    {
        for (var i = 0; i < Limit; i++)
        {
            Assert.True((await LinkAsync("d1", $"u{i}")).Value!.Created);
        }

        await _service.RegisterAccountAsync("one-too-many", "DE", "2021-03-01T00:00:00Z", default);
        var (notices, intents) = (_transport.Published.Count, _intents.Count);
        var refused = await LinkAsync("d1", "one-too-many");

        Assert.Equal((FailureKind.Conflict, ProblemCodes.TooManyLinkedAccounts), (refused.Failure?.Kind, refused.Failure?.Code));
        Assert.DoesNotContain("one-too-many", refused.Failure!.Detail, StringComparison.Ordinal);
        Assert.Equal(Limit, (await _devices.FindAsync("d1", default))!.LinkedUserIds.Count);
        Assert.Empty(await _accounts.GetLinkedDevicesAsync("one-too-many", default));
        Assert.Equal((notices, intents), (_transport.Published.Count, _intents.Count));
    }

    [Fact]
    public async Task At_the_limit_an_existing_link_is_still_accepted_and_another_device_is_not_limited()
    {
        for (var i = 0; i < Limit; i++)
        {
            await LinkAsync("d1", $"u{i}");
        }

        Assert.False((await LinkAsync("d1", "u0")).Value!.Created);
        Assert.True((await LinkAsync("d2", "u0")).Value!.Created);
    }

    [Fact]
    public async Task A_link_answers_the_device_version_with_every_link_so_far_and_its_projection_has_it()
    {
        var first = (await LinkAsync("d1", "u0")).Value!;
        // Another process links the device: the next link counts that one too.
        await _devices.LinkAsync("d1", "u-elsewhere", DateTimeOffset.UnixEpoch, default);
        var second = (await LinkAsync("d1", "u1")).Value!;
        var again = (await LinkAsync("d1", "u0")).Value!;
        await DeliverAllAsync();

        Assert.Equal(new DeviceLink(true, SubjectVersion.OfDevice(1)), first);
        Assert.Equal(new DeviceLink(true, SubjectVersion.OfDevice(3)), second);
        Assert.Equal(new DeviceLink(false, SubjectVersion.OfDevice(3)), again);
        Assert.True(_projections.Device("d1")!.Version.IsAtLeast(second.DeviceVersion));
    }

    [Fact]
    public async Task An_account_change_writes_the_account_row_only_whatever_its_number_of_devices()
    {
        for (var i = 0; i < 400; i++)
        {
            await LinkAsync($"d{i}", "u1");
        }

        await DeliverAllAsync();
        var writes = _projections.Writes;
        await _service.ChangeSettingAsync("u1", enabled: false, null, ChangeChannel.User, default);
        await DeliverAllAsync();

        Assert.Equal(writes + 1, _projections.Writes);
        Assert.Equal(false, _projections.Account("u1")!.Setting);
        Assert.Equal(["u1"], _projections.Device("d399")!.LinkedUserIds);
    }

    [Fact]
    public async Task A_device_over_the_limit_in_the_source_is_projected_as_its_count_without_ids()
    {
        for (var i = 0; i <= Limit; i++)
        {
            await _devices.LinkAsync("d1", $"u{i}", DateTimeOffset.UnixEpoch, default);
        }

        await _projector.ProjectDeviceAsync("d1", default);

        var row = _projections.Device("d1")!;
        Assert.Equal((0, Limit + 1), (row.LinkedUserIds.Count, row.LinkCount));
        Assert.False(row.IsWithin(Limit));
    }

    [Fact]
    public async Task A_device_row_listing_its_links_is_replaced_by_the_over_limit_row_once_they_pass_the_limit()
    {
        await _devices.LinkAsync("d1", "u0", DateTimeOffset.UnixEpoch, default);
        await _projector.ProjectDeviceAsync("d1", default);
        for (var i = 1; i <= Limit; i++)
        {
            await _devices.LinkAsync("d1", $"u{i}", DateTimeOffset.UnixEpoch, default);
        }

        await _projector.ProjectDeviceAsync("d1", default);

        var row = _projections.Device("d1")!;
        Assert.Equal((0, Limit + 1), (row.LinkedUserIds.Count, row.LinkCount));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(AccountsOptions.MaxAllowedAccountsPerDevice, true)]
    [InlineData(AccountsOptions.MaxAllowedAccountsPerDevice + 1, false)]
    public void The_limit_is_validated_naming_the_setting(int limit, bool valid)
    {
        var result = new AccountsOptionsValidator().Validate(null, new AccountsOptions { MaxAccountsPerDevice = limit });

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains("Consent:Accounts:MaxAccountsPerDevice", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_default_limit_is_valid()
    {
        Assert.True(new AccountsOptionsValidator().Validate(null, new AccountsOptions()).Succeeded);
    }

    private async Task<Outcome<DeviceLink>> LinkAsync(string adId, string userId)
    {
        if (await _accounts.FindAsync(userId, default) is null)
        {
            await _service.RegisterAccountAsync(userId, "DE", "2021-03-01T00:00:00Z", default);
        }

        return await _service.LinkDeviceAsync(adId, userId, default);
    }

    private async Task DeliverAllAsync()
    {
        while (_transport.Published.TryDequeue(out var notice))
        {
            await _projector.ProjectAsync(notice, default);
        }
    }
}
