using ConsentGateway.Core.Projection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Core.Evaluation;

/// <summary>
/// Follows the change log for the <see cref="SubjectCache"/> of an instance that does not project
/// every change itself (the Functions app): every poll interval it reads what was appended since
/// its position and drops the entries of the subjects that changed; a complete read moves the
/// cache's "changes known through" to the read's start, less the log's visibility lag. While it
/// cannot read, that time stays behind, so entries stop being trusted one decision budget after
/// it (fail closed, then read again from the store). After an outage the log may have pruned
/// (half its retention), the cache is cleared and the watch starts again from the head.
/// </summary>
public sealed partial class ChangeLogWatcher(
    IChangeLog log,
    SubjectCache cache,
    TimeProvider time,
    IOptions<ChangeLogOptions> options,
    ILogger<ChangeLogWatcher> logger)
{
    /// <summary>Changes read per query; a poll reads on while the log has more.</summary>
    public const int PageSize = 1000;

    private readonly long _created = time.GetTimestamp();
    private ChangeLogPosition? _position;
    private long _lastGoodRead;
    private bool _failing;

    /// <summary>When (a <see cref="TimeProvider"/> timestamp) the last complete read began; 0 before the first.</summary>
    public long LastGoodRead => Volatile.Read(ref _lastGoodRead);

    /// <summary>How far behind the watch is: the time since the start of its last complete read (since it was made, before the first).</summary>
    public TimeSpan Lag => time.GetElapsedTime(LastGoodRead == 0 ? _created : LastGoodRead);

    /// <summary>Polls every <see cref="ChangeLogOptions.PollInterval"/> until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval, time);
        do
        {
            await PollOnceAsync(cancellationToken).ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>One poll: reads to the end of the log; a failure is logged once per outage and leaves the watch where it was.</summary>
    public async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        using var activity = GatewayActivities.Source.StartActivity(GatewayActivities.Watch);
        var started = time.GetTimestamp();
        var read = 0;
        try
        {
            if (_position is not { } position || OutlivedRetention(started))
            {
                // Taken before anything is dropped, so no change after it is missed.
                position = await log.GetHeadAsync(cancellationToken).ConfigureAwait(false);
                cache.Clear();
            }

            ChangeLogPage page;
            do
            {
                page = await log.ReadAsync(position, PageSize, cancellationToken).ConfigureAwait(false);
                foreach (var change in page.Changes)
                {
                    cache.OnProjected(change);
                }

                read += page.Changes.Count;

                position = page.Next;
            }
            while (page.HasMore);

            _position = position;
            activity?.SetTag(ConsentAttributes.ChangesRead, read);
            Volatile.Write(ref _lastGoodRead, started);
            cache.ChangesWatchedThrough(started - (long)(log.VisibilityLag.TotalSeconds * time.TimestampFrequency));
            if (_failing)
            {
                _failing = false;
                LogRecovered(logger);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.GetType().Name);
            if (!_failing)
            {
                _failing = true;
                LogReadFailed(logger, ex.GetType().Name, ex.Message);
            }
        }
    }

    private bool OutlivedRetention(long now) =>
        LastGoodRead != 0 && time.GetElapsedTime(LastGoodRead, now) > options.Value.Retention / 2;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The change log could not be read ({ExceptionType}: {Reason}); cached subjects are trusted only for the decision budget after the last complete read.")]
    private static partial void LogReadFailed(ILogger logger, string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The change log is read again.")]
    private static partial void LogRecovered(ILogger logger);
}
