using Microsoft.Extensions.Logging;

namespace ConsentGateway.Core.Changes;

/// <summary>
/// How a write use case announces a change: <see cref="BeginAsync"/> records the intent before
/// the write (write-ahead), <see cref="PublishAsync"/> sends the notice after it. A failed
/// publish is logged and left to repair: the change is already accepted and its intent stays.
/// A write that throws is <see cref="Unconfirmed"/>: its intent stays for repair too.
/// </summary>
public sealed partial class ChangeFeed(IIntentLog intents, IChangePublisher publisher, TimeProvider time, ILogger<ChangeFeed> logger, IUnconfirmedWrites? unconfirmed = null)
{
    public Task<Intent> BeginAsync(ChangeKind kind, string key, CancellationToken cancellationToken, string? linkedUserId = null) =>
        intents.RecordAsync(kind, key, linkedUserId, time.GetUtcNow(), cancellationToken);

    public async Task PublishAsync(Intent intent, long version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(intent);
        var notice = new ChangeNotice(intent.Kind, intent.Key, version, intent.RecordedAt, intent.Id, intent.LinkedUserId);
        try
        {
            await publisher.PublishAsync(notice, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPublishFailed(logger, ex, ChangeNotice.KindName(intent.Kind));
        }
    }

    /// <summary>The write threw: it may have landed, and until repair publishes its intent no notice says so.</summary>
    public void Unconfirmed(Intent intent)
    {
        ArgumentNullException.ThrowIfNull(intent);
        unconfirmed?.Unconfirmed(intent);
    }

    /// <summary>The write did not happen (refused or lost): the intent is dropped, best effort (repair would only re-project).</summary>
    public async Task AbandonAsync(Intent intent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(intent);
        try
        {
            await intents.ClearAsync(intent.Id, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogAbandonFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing a {Kind} change notice failed; the change is accepted and repair will publish it again.")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Clearing the intent of a change that was not written failed; repair will re-project it harmlessly.")]
    private static partial void LogAbandonFailed(ILogger logger, Exception exception);
}
