using System.Threading.Channels;

namespace ConsentGateway.Testing.Propagation;

/// <summary>Holds whoever calls <see cref="PassAsync"/> until the test lets them through, one pass at a time; tells the test who came.</summary>
public sealed class Gate
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly Channel<bool> _passes = Channel.CreateUnbounded<bool>();
    private readonly Channel<bool> _arrivals = Channel.CreateUnbounded<bool>();
    private int _arrived;
    private volatile bool _open;

    /// <summary>How many callers have come to the gate so far.</summary>
    public int Arrived => Volatile.Read(ref _arrived);

    public void Let(int passes = 1)
    {
        for (var i = 0; i < passes; i++)
        {
            _passes.Writer.TryWrite(true);
        }
    }

    /// <summary>Lets everyone through from now on.</summary>
    public void Open()
    {
        _open = true;
        _passes.Writer.TryComplete();
    }

    /// <summary>Waits until one more caller has come to the gate; fails the test when nobody comes for a long while.</summary>
    public async Task ArrivalAsync()
    {
        using var patience = new CancellationTokenSource(Patience);
        _ = await _arrivals.Reader.ReadAsync(patience.Token);
    }

    public async Task PassAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _arrived);
        _arrivals.Writer.TryWrite(true);
        // Once open, the channel is completed and waiting for it ends at once.
        while (!_open && await _passes.Reader.WaitToReadAsync(cancellationToken))
        {
            if (_passes.Reader.TryRead(out _))
            {
                return;
            }
        }
    }
}
