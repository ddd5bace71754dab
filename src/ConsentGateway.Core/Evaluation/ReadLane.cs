namespace ConsentGateway.Core.Evaluation;

/// <summary>
/// The store reads one caller may have running at once (<see cref="ReadLanes"/>): a proxy that
/// asks about many subjects never seen waits for its own lane, not for the store time of others.
/// </summary>
/// <param name="caller">The caller whose lane it is (an egress proxy's name): named in its decisions' log.</param>
public sealed class ReadLane(string caller, int maxConcurrentReads) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(maxConcurrentReads, maxConcurrentReads);

    public string Caller => caller;

    /// <summary>Takes a slot, waiting at most <paramref name="timeout"/>; <c>false</c> when none came free in time.</summary>
    public Task<bool> EnterAsync(TimeSpan timeout, CancellationToken cancellationToken) => _slots.WaitAsync(timeout, cancellationToken);

    public void Leave() => _slots.Release();

    public void Dispose() => _slots.Dispose();
}
