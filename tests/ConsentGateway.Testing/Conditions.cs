namespace ConsentGateway.Testing;

/// <summary>Waiting for something a background loop does, instead of sleeping a guessed time.</summary>
public static class Conditions
{
    /// <summary>How long a condition may take on a loaded CI machine before the test fails.</summary>
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromSeconds(30);

    /// <summary>Checks <paramref name="condition"/> every 20 ms until it holds; throws <see cref="OperationCanceledException"/> after <paramref name="limit"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? limit = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        using var timeout = new CancellationTokenSource(limit ?? DefaultLimit);
        while (!condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), timeout.Token).ConfigureAwait(false);
        }
    }
}
