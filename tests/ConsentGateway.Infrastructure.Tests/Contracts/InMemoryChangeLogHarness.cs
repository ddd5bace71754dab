using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Projection;
using ConsentGateway.Testing.InMemory;

namespace ConsentGateway.Infrastructure.Tests.Contracts;

/// <summary>
/// The in-memory change log the unit tests use, so that it is held to the adapters' contract.
/// Only the change log: the other in-memory stores are not run under their suites.
/// </summary>
public sealed class InMemoryChangeLogHarness : IStoreHarness
{
    private InMemoryChangeLog? _log;

    public Task<IChangeLog> CreateChangeLogAsync(CancellationToken cancellationToken) => Task.FromResult<IChangeLog>(_log = new InMemoryChangeLog());

    /// <summary>An in-memory log lives as long as its instance: what a restart finds is the same instance.</summary>
    public Task<IChangeLog> ReopenChangeLogAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IChangeLog>(_log ?? throw new InvalidOperationException("No change log was created to reopen."));

    public Task<IAccountStore> CreateAccountStoreAsync(CancellationToken cancellationToken) => throw NotHeld();

    public Task<IDeviceStore> CreateDeviceStoreAsync(CancellationToken cancellationToken) => throw NotHeld();

    public Task<IIntentLog> CreateIntentLogAsync(CancellationToken cancellationToken) => throw NotHeld();

    public Task<IProjectionStore> CreateProjectionStoreAsync(CancellationToken cancellationToken) => throw NotHeld();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static NotSupportedException NotHeld() => new("Only the in-memory change log is held to its contract here.");
}
