namespace ConsentGateway.Core;

/// <summary>
/// Counts occurrences of one kind of failure and says when to log them: the first at once, then
/// at most one line per <see cref="Interval"/>, carrying how many happened since the last line.
/// Under a store outage every request fails the same way; one line per request (with a stack
/// trace) would drown the log and cost more than the requests. Occurrences after the last line
/// are reported with the next one. Thread-safe, allocation-free.
/// </summary>
public sealed class RateLimitedLog
{
    /// <summary>The default spacing of lines about the same failure.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _time;
    private readonly long _intervalTicks;
    private long _count;
    private long _nextLineAt = long.MinValue;

    public RateLimitedLog(TimeProvider time, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        Interval = interval ?? DefaultInterval;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Interval, TimeSpan.Zero);
        _intervalTicks = (long)(Interval.TotalSeconds * time.TimestampFrequency);
    }

    public TimeSpan Interval { get; }

    /// <summary>
    /// Counts one occurrence; <c>true</c> when a line is due now, with <paramref name="count"/>
    /// the occurrences it reports (this one included); <c>false</c> when it is only counted.
    /// </summary>
    public bool Occurred(out long count)
    {
        Interlocked.Increment(ref _count);
        var now = _time.GetTimestamp();
        var due = Volatile.Read(ref _nextLineAt);
        if (now < due || Interlocked.CompareExchange(ref _nextLineAt, now + _intervalTicks, due) != due)
        {
            count = 0;
            return false;
        }

        count = Interlocked.Exchange(ref _count, 0);
        return true;
    }
}
