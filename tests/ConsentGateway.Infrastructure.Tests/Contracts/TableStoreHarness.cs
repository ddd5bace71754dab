using Azure.Data.Tables;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Projection;
using ConsentGateway.Infrastructure.TableStorage;
using ConsentGateway.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Infrastructure.Tests.Contracts;

/// <summary>The Table Storage adapter on the shared Azurite: each store on a fresh table of its own, deleted on dispose.</summary>
public sealed class TableStoreHarness(AzuriteServer azurite) : IStoreHarness
{
    private readonly List<TableClient> _tables = [];
    private string? _changeLogTable;

    public async Task<IAccountStore> CreateAccountStoreAsync(CancellationToken cancellationToken) =>
        new TableAccountStore(await CreateTableAsync("accounts", cancellationToken));

    public async Task<IDeviceStore> CreateDeviceStoreAsync(CancellationToken cancellationToken) =>
        new TableDeviceStore(await CreateTableAsync("devices", cancellationToken));

    public async Task<IIntentLog> CreateIntentLogAsync(CancellationToken cancellationToken) =>
        new TableIntentLog(await CreateTableAsync("intents", cancellationToken));

    public async Task<IProjectionStore> CreateProjectionStoreAsync(CancellationToken cancellationToken) =>
        new TableProjectionStore(await CreateTableAsync("projections", cancellationToken));

    public async Task<IChangeLog> CreateChangeLogAsync(CancellationToken cancellationToken)
    {
        var table = await CreateTableAsync("changelog", cancellationToken);
        _changeLogTable = table.Name;
        return NewChangeLog(table);
    }

    /// <summary>A new log, on a client of its own, over the last change log's table: what another process finds.</summary>
    public Task<IChangeLog> ReopenChangeLogAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IChangeLog>(NewChangeLog(azurite.CreateServiceClient().GetTableClient(_changeLogTable ?? throw new InvalidOperationException("No change log was created to reopen."))));

    public async ValueTask DisposeAsync()
    {
        foreach (var table in _tables)
        {
            await table.DeleteAsync();
        }
    }

    private static TableChangeLog NewChangeLog(TableClient table) =>
        new(table, TimeProvider.System, Options.Create(new ChangeLogOptions()), NullLogger<TableChangeLog>.Instance);

    private async Task<TableClient> CreateTableAsync(string prefix, CancellationToken cancellationToken)
    {
        var table = await azurite.CreateTableAsync(prefix, cancellationToken);
        _tables.Add(table);
        return table;
    }
}
