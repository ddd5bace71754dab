using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Projection;

namespace ConsentGateway.Infrastructure.Tests.Contracts;

/// <summary>
/// Where a contract suite gets the store it tests, for one adapter. A harness serves one test
/// (xunit makes a test class, and so a harness, per test) and gives stores isolated from every
/// other test's: empty when first asked for. Disposing of it removes what it made (tables, files).
/// </summary>
public interface IStoreHarness : IAsyncDisposable
{
    Task<IAccountStore> CreateAccountStoreAsync(CancellationToken cancellationToken);

    Task<IDeviceStore> CreateDeviceStoreAsync(CancellationToken cancellationToken);

    Task<IIntentLog> CreateIntentLogAsync(CancellationToken cancellationToken);

    Task<IProjectionStore> CreateProjectionStoreAsync(CancellationToken cancellationToken);

    Task<IChangeLog> CreateChangeLogAsync(CancellationToken cancellationToken);

    /// <summary>A new instance over what the log made last by <see cref="CreateChangeLogAsync"/> holds, as the next process would open it.</summary>
    Task<IChangeLog> ReopenChangeLogAsync(CancellationToken cancellationToken);
}
