namespace ConsentGateway.Infrastructure.Tests.Contracts;

/// <summary>
/// What the contract suites share: the store under test, fresh from the adapter's harness for
/// each test and disposed of after it, and a way to start many writers at once.
/// </summary>
/// <typeparam name="TStore">The Core port the suite states the semantics of.</typeparam>
public abstract class StoreContract<TStore>(IStoreHarness harness, Func<IStoreHarness, CancellationToken, Task<TStore>> create) : IAsyncLifetime
    where TStore : class
{
    private readonly IStoreHarness _harness = harness ?? throw new ArgumentNullException(nameof(harness));

    /// <summary>Where <see cref="Store"/> came from: for a suite that opens it again.</summary>
    protected IStoreHarness Harness => _harness;

    /// <summary>The store under test: empty at the start of each test.</summary>
    protected TStore Store { get; private set; } = null!;

    protected static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync() => Store = await create(_harness, Ct);

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    /// <summary>
    /// Runs <paramref name="count"/> writers on the thread pool, released together so that they
    /// race, and returns what each returned, in writer order.
    /// </summary>
    protected static async Task<T[]> RaceAsync<T>(int count, Func<int, Task<T>> writer)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = Enumerable.Range(0, count).Select(index => Task.Run(
            async () =>
            {
                await start.Task;
                return await writer(index);
            },
            Ct)).ToList();
        start.SetResult();
        return await Task.WhenAll(writers);
    }
}
