using System.Text.Json;
using Azure.Messaging.ServiceBus;
using ConsentGateway.Core.Changes;
using ConsentGateway.Infrastructure.ServiceBus;
using ConsentGateway.Testing;
using ConsentGateway.Testing.Propagation;

namespace ConsentGateway.Infrastructure.Tests.ServiceBus;

public sealed class ServiceBusChangePublisherTests
{
    private static readonly DateTimeOffset AcceptedAt = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_notice_is_sent_as_its_json_with_its_message_id_content_type_and_kind()
    {
        var sender = new RecordingServiceBusSender();
        var notice = new ChangeNotice(ChangeKind.Setting, "user-1", 7, AcceptedAt, "intent-1");

        await new ServiceBusChangePublisher(sender, TestPseudonyms.Shared).PublishAsync(notice, CancellationToken.None);

        var message = Assert.Single(sender.Sent);
        Assert.Equal(new ChangeNotice(ChangeKind.Setting, "user-1", 7, default, "any").MessageId(TestPseudonyms.Shared), message.MessageId);
        Assert.Equal(notice.MessageId(TestPseudonyms.Shared), message.MessageId);
        Assert.Equal("application/json", message.ContentType);
        Assert.Equal("setting", message.Subject);
        Assert.Equal(notice.ToJson(), message.Body.ToArray());
        Assert.Equal(notice, ChangeNotice.TryParse(message.Body.ToArray()));
    }

    [Fact]
    public async Task The_message_carries_nothing_beyond_the_notice()
    {
        var sender = new RecordingServiceBusSender();
        await new ServiceBusChangePublisher(sender, TestPseudonyms.Shared).PublishAsync(new ChangeNotice(ChangeKind.Device, "ad-1", 0, AcceptedAt, "intent-2", "user-2"), CancellationToken.None);

        var message = Assert.Single(sender.Sent);
        Assert.Empty(message.ApplicationProperties);
        Assert.Null(message.SessionId);
        Assert.Null(message.PartitionKey);
        Assert.Null(message.CorrelationId);
        Assert.Equal(new ChangeNotice(ChangeKind.Device, "ad-1", 0, default, "any", "user-2").MessageId(TestPseudonyms.Shared), message.MessageId);

        // The body is the notice's ids, versions and times only.
        using var body = JsonDocument.Parse(message.Body.ToArray());
        Assert.Equal(
            ["acceptedAt", "intentId", "key", "kind", "linkedUserId", "version"],
            body.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_longest_ids_still_make_a_message_id_service_bus_accepts()
    {
        // Ids may be 128 characters each, and a device link names two.
        var sender = new RecordingServiceBusSender();
        var publisher = new ServiceBusChangePublisher(sender, TestPseudonyms.Shared);
        var notice = new ChangeNotice(ChangeKind.Device, new string('d', 128), 0, AcceptedAt, "intent-3", new string('u', 128));

        await publisher.PublishAsync(notice, CancellationToken.None);
        await publisher.PublishAsync(notice with { IntentId = "intent-4" }, CancellationToken.None);

        Assert.Equal(2, sender.Sent.Count);
        Assert.Equal(sender.Sent[0].MessageId, sender.Sent[1].MessageId);
        Assert.DoesNotContain("ddd", sender.Sent[0].MessageId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_send_reaches_the_caller()
    {
        // ChangeFeed logs it and leaves the change to repair; the publisher must not swallow it.
        var sender = new RecordingServiceBusSender { FailWith = new ServiceBusException("down", ServiceBusFailureReason.ServiceCommunicationProblem) };

        var failure = await Assert.ThrowsAsync<ServiceBusException>(() =>
            new ServiceBusChangePublisher(sender, TestPseudonyms.Shared).PublishAsync(new ChangeNotice(ChangeKind.Account, "user-5", 1, AcceptedAt, "intent-5"), CancellationToken.None));

        Assert.Equal(ServiceBusFailureReason.ServiceCommunicationProblem, failure.Reason);
    }
}
