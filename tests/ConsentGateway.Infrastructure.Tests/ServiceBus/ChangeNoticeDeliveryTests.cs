using Azure.Messaging.ServiceBus;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Propagation;
using ConsentGateway.Infrastructure.ServiceBus;
using ConsentGateway.Testing;
using ConsentGateway.Testing.Propagation;

namespace ConsentGateway.Infrastructure.Tests.ServiceBus;

/// <summary>
/// Service Bus delivery semantics (at least once, duplicated, reordered, redelivered after an
/// abandon, dead-lettered after the last allowed delivery) asserted on the consumer every
/// transport runs, with messages built by the SDK's model factory as the trigger receives them.
/// </summary>
public sealed class ChangeNoticeDeliveryTests : IDisposable
{
    private const int MaxDeliveryCount = 10;
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly PropagationRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task A_published_notice_is_projected_and_a_duplicate_delivery_changes_nothing()
    {
        await _rig.PutAccountAsync("u1", "DE");
        await _rig.ChangeSettingAsync("u1", 1, enabled: true);
        var notice = await _rig.NoticeAsync(ChangeKind.Setting, "u1", 1);
        var sender = new RecordingServiceBusSender();
        await new ServiceBusChangePublisher(sender, TestPseudonyms.Shared).PublishAsync(notice, Ct);
        var received = Receive(Assert.Single(sender.Sent), deliveryCount: 1);

        Assert.Equal(ConsumeOutcome.Projected, await DeliverAsync(received));
        var projected = _rig.Projections.Account("u1");
        var writes = _rig.Projections.Writes;

        // The same message again (a second publish by repair, or a redelivery after a lost complete).
        Assert.Equal(ConsumeOutcome.Projected, await DeliverAsync(received));
        Assert.Equal(ConsumeOutcome.Projected, await DeliverAsync(Receive(Assert.Single(sender.Sent), deliveryCount: 2)));

        Assert.Equal(projected, _rig.Projections.Account("u1"));
        Assert.Equal(writes, _rig.Projections.Writes);
        Assert.Equal((true, 1L), (projected!.Setting, projected.SettingVersion));
        Assert.False(_rig.IsPending(notice.IntentId));
    }

    [Fact]
    public async Task An_older_notice_delivered_after_a_newer_one_never_moves_the_projection_backwards()
    {
        await _rig.PutAccountAsync("u1", "DE");
        await _rig.Devices.LinkAsync("ad-1", "u1", DateTimeOffset.UnixEpoch, Ct);
        await _rig.Accounts.AddDeviceLinkAsync("u1", "ad-1", DateTimeOffset.UnixEpoch, Ct);
        var v1 = await _rig.ChangeSettingAsync("u1", 1, enabled: false);
        var older = await _rig.NoticeAsync(ChangeKind.Setting, "u1", 1);
        await _rig.ChangeSettingAsync("u1", 2, enabled: true);
        var newer = await _rig.NoticeAsync(ChangeKind.Setting, "u1", 2);

        Assert.Equal(ConsumeOutcome.Projected, await DeliverAsync(Receive(newer, deliveryCount: 1)));

        // The older notice arrives late, and its first read of the source even lags behind.
        _rig.Accounts.ServeStaleOnce(v1);
        Assert.Equal(ConsumeOutcome.Projected, await DeliverAsync(Receive(older, deliveryCount: 1)));

        var account = _rig.Projections.Account("u1")!;
        Assert.Equal((true, 2L), (account.Setting, account.SettingVersion));
        // An account notice writes the account's row only; the device reads it from there.
        Assert.Null(_rig.Projections.Device("ad-1"));
        Assert.False(_rig.IsPending(older.IntentId));
        Assert.False(_rig.IsPending(newer.IntentId));
    }

    [Fact]
    public async Task A_failed_delivery_is_redelivered_and_then_projected_without_a_dead_letter()
    {
        await _rig.PutAccountAsync("u2", "FR", revision: 3);
        var notice = await _rig.NoticeAsync(ChangeKind.Account, "u2", 3);
        _rig.Projections.FailNextWrites(1);

        var settlement = await SettleAsync(notice);

        Assert.Equal(new Settlement(Completed: true, Deliveries: 2), settlement);
        Assert.Equal(3, _rig.Projections.Account("u2")!.Revision);
        Assert.Equal(0, _rig.DeadLettered);
        Assert.False(_rig.IsPending(notice.IntentId));
    }

    [Fact]
    public async Task A_failure_before_the_last_delivery_throws_for_redelivery_without_counting_a_dead_letter()
    {
        await _rig.PutAccountAsync("u3", "US");
        var notice = await _rig.NoticeAsync(ChangeKind.Account, "u3", 1);
        _rig.Projections.FailNextWrites(1);

        await Assert.ThrowsAsync<IOException>(() => DeliverAsync(Receive(notice, deliveryCount: MaxDeliveryCount - 1)));

        Assert.Equal(0, _rig.DeadLettered);
        Assert.True(_rig.IsPending(notice.IntentId));
    }

    [Fact]
    public async Task A_failure_on_the_last_allowed_delivery_counts_a_dead_letter_throws_and_leaves_the_change_to_repair()
    {
        await _rig.PutAccountAsync("u4", "US");
        var notice = await _rig.NoticeAsync(ChangeKind.Account, "u4", 1);
        _rig.Projections.FailNextWrites(MaxDeliveryCount);

        var settlement = await SettleAsync(notice);

        Assert.Equal(new Settlement(Completed: false, Deliveries: MaxDeliveryCount), settlement);
        Assert.Equal(1, _rig.DeadLettered);
        Assert.Null(_rig.Projections.Account("u4"));
        Assert.True(_rig.IsPending(notice.IntentId));
    }

    public static TheoryData<string> MalformedBodies() => new()
    {
        "",
        "not json",
        """{"kind":"Setting"}""",
        """{"kind":"Planet","key":"u1","version":1,"acceptedAt":"2026-01-01T00:00:00Z","intentId":"i"}""",
        """{"kind":"Setting","key":"","version":1,"acceptedAt":"2026-01-01T00:00:00Z","intentId":"i"}""",
        """{"kind":"Setting","key":"u1","version":1,"acceptedAt":"2026-01-01T00:00:00Z","intentId":"i","email":"a@b.c"}""",
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task A_malformed_body_returns_malformed_so_the_message_is_completed_and_counted(string body)
    {
        var pending = await _rig.NoticeAsync(ChangeKind.Setting, "u5", 1);
        var message = ServiceBusModelFactory.ServiceBusReceivedMessage(body: BinaryData.FromString(body), messageId: "setting/u5/1", deliveryCount: 1);

        Assert.Equal(ConsumeOutcome.Malformed, await DeliverAsync(message));

        Assert.Equal(1, _rig.Malformed);
        Assert.Equal(0, _rig.Projections.Writes);
        Assert.True(_rig.IsPending(pending.IntentId));
    }

    private static ServiceBusReceivedMessage Receive(ChangeNotice notice, int deliveryCount) =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: new BinaryData(notice.ToJson()), messageId: notice.MessageId(TestPseudonyms.Shared), contentType: "application/json", deliveryCount: deliveryCount);

    // What the publisher sent, as the subscription hands it out.
    private static ServiceBusReceivedMessage Receive(ServiceBusMessage sent, int deliveryCount) =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: sent.Body, messageId: sent.MessageId, contentType: sent.ContentType, subject: sent.Subject, deliveryCount: deliveryCount);

    // The trigger's call: the body and the DeliveryCount binding data.
    private Task<ConsumeOutcome> DeliverAsync(ServiceBusReceivedMessage message) =>
        _rig.Consumer.ConsumeAsync(message.Body.ToMemory(), message.DeliveryCount, MaxDeliveryCount, Ct);

    // Peek-lock with auto-complete, as the broker and the Functions host run it: a normal return
    // completes; an exception abandons, and the broker delivers again with the count up, or after
    // the last allowed delivery moves the message to the dead-letter queue.
    private async Task<Settlement> SettleAsync(ChangeNotice notice)
    {
        for (var delivery = 1; ; delivery++)
        {
            try
            {
                await DeliverAsync(Receive(notice, delivery));
                return new Settlement(Completed: true, delivery);
            }
            catch (IOException) when (delivery < MaxDeliveryCount)
            {
                // Abandoned: delivered again.
            }
            catch (IOException)
            {
                return new Settlement(Completed: false, delivery);
            }
        }
    }

    private sealed record Settlement(bool Completed, int Deliveries);
}
