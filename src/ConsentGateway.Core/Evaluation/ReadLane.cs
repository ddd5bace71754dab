namespace ConsentGateway.Core.Evaluation;

/// <summary>
/// The store reads one caller may have running at once (<see cref="ReadLanes"/>): a proxy that
/// asks about many subjects never seen waits for its own lane, not for the store time of others.
/// </summary>
public sealed class ReadLane(int maxConcurrentReads) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(maxConcurrentReads, maxConcurrentReads);

    /// <summary>Takes a slot, waiting at most <paramref name="timeout"/>; <c>false</c> when none came free in time.</summary>
    public Task<bool> EnterAsync(TimeSpan timeout, CancellationToken cancellationToken) => _slots.WaitAsync(timeout, cancellationToken);

    public void Leave() => _slots.Release();

    public void Dispose() => _slots.Dispose();
}
