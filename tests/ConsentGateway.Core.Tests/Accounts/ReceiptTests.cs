using ConsentGateway.Contracts;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Policy;
using ConsentGateway.Testing.InMemory;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Core.Tests.Accounts;

/// <summary>Every accepted change gets a receipt of its own, kept in the history with the notice the user saw.</summary>
public sealed class ReceiptTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly InMemoryAccountStore _accounts = new();
    private readonly AccountService _service;

    public ReceiptTests()
    {
        var feed = new ChangeFeed(new InMemoryIntentLog(), new QueuedPublisher(), TimeProvider.System, NullLogger<ChangeFeed>.Instance);
        _service = new AccountService(_accounts, new InMemoryDeviceStore(), new PolicyInForce(PolicyLoader.Load(null)), feed, TimeProvider.System, Options.Create(new AccountsOptions()));
    }

    [Fact]
    public async Task Each_accepted_change_answers_a_new_receipt_that_the_history_keeps_with_its_notice_version()
    {
        await _service.RegisterAccountAsync("u1", "DE", "2021-03-01T00:00:00Z", Ct);

        var granted = (await _service.ChangeSettingAsync("u1", true, null, ChangeChannel.User, "2020-04-06", Ct)).Value!;
        var withdrawn = (await _service.ChangeSettingAsync("u1", false, null, ChangeChannel.User, Ct)).Value!;

        Assert.NotNull(granted.ReceiptId);
        Assert.NotNull(withdrawn.ReceiptId);
        Assert.NotEqual(granted.ReceiptId, withdrawn.ReceiptId);
        Assert.Equal(("2020-04-06", (string?)null), (granted.NoticeVersion, withdrawn.NoticeVersion));
        var history = (await _service.GetHistoryAsync("u1", Ct)).Value!;
        Assert.Equal([(granted.ReceiptId, "2020-04-06"), (withdrawn.ReceiptId, null)], history.Select(c => (c.ReceiptId, c.NoticeVersion)));

        // A read is no change: it has no receipt.
        Assert.Null((await _service.GetSettingAsync("u1", Ct)).Value!.ReceiptId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2020 04 06")]
    [InlineData("v1/2")]
    [InlineData("<script>")]
    [InlineData("é")]
    public async Task A_notice_version_that_breaks_the_rule_is_refused_and_nothing_changes(string noticeVersion)
    {
        await _service.RegisterAccountAsync("u1", "DE", "2021-03-01T00:00:00Z", Ct);

        var outcome = await _service.ChangeSettingAsync("u1", true, null, ChangeChannel.User, noticeVersion, Ct);

        Assert.Equal((FailureKind.Invalid, ProblemCodes.InvalidNoticeVersion), (outcome.Failure?.Kind, outcome.Failure?.Code));
        Assert.Empty((await _service.GetHistoryAsync("u1", Ct)).Value!);
        Assert.Equal(0, (await _accounts.FindAsync("u1", Ct))!.SettingVersion);
    }

    [Fact]
    public async Task A_notice_version_of_64_characters_is_accepted_and_one_of_65_is_not()
    {
        await _service.RegisterAccountAsync("u1", "DE", "2021-03-01T00:00:00Z", Ct);

        Assert.Null((await _service.ChangeSettingAsync("u1", true, null, ChangeChannel.User, new string('a', 64), Ct)).Failure);
        Assert.Equal(ProblemCodes.InvalidNoticeVersion, (await _service.ChangeSettingAsync("u1", true, null, ChangeChannel.User, new string('a', 65), Ct)).Failure?.Code);
    }

    [Fact]
    public async Task The_reset_of_a_deletion_has_a_receipt_too()
    {
        await _service.RegisterAccountAsync("u1", "DE", "2021-03-01T00:00:00Z", Ct);
        await _service.ChangeSettingAsync("u1", true, null, ChangeChannel.User, Ct);

        await _service.DeleteAccountAsync("u1", Ct);

        var history = (await _service.GetHistoryAsync("u1", Ct)).Value!;
        Assert.Equal(2, history.Count);
        Assert.Null(history[1].Enabled);
        Assert.NotNull(history[1].ReceiptId);
        Assert.NotEqual(history[0].ReceiptId, history[1].ReceiptId);
    }
}
