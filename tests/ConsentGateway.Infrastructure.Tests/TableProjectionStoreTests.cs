using Azure;
using Azure.Data.Tables;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Projection;
using ConsentGateway.Infrastructure.TableStorage;
using ConsentGateway.Infrastructure.Tests.Contracts;
using ConsentGateway.Testing;

namespace ConsentGateway.Infrastructure.Tests;

/// <summary>What only the Table Storage projection store does: its row format and its limits. The port's semantics are <see cref="ProjectionStoreContract"/>.</summary>
[Collection(SharedAzurite.Name)]
public sealed class TableProjectionStoreTests(AzuriteServer azurite) : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private TableClient _table = null!;
    private TableProjectionStore _store = null!;

    public async Task InitializeAsync()
    {
        _table = await azurite.CreateTableAsync("projections");
        _store = new TableProjectionStore(_table);
    }

    public Task DisposeAsync() => _table.DeleteAsync();

    [Fact]
    public async Task The_most_accounts_the_limit_allows_fit_in_a_device_row_with_ids_of_the_longest_length()
    {
        var longest = Enumerable.Range(0, AccountsOptions.MaxAllowedAccountsPerDevice).Select(i => i.ToString("D128", System.Globalization.CultureInfo.InvariantCulture)).ToList();

        Assert.NotNull(await _store.TryPutDeviceAsync(new DeviceProjection("d1", longest, longest.Count), null, Ct));

        Assert.Equal(longest, (await _store.GetDeviceAsync("d1", Ct))!.Value.LinkedUserIds);
    }

    [Fact]
    public async Task A_device_row_of_the_earlier_layout_reads_as_its_linked_account_ids()
    {
        await _table.AddEntityAsync(new TableEntity("d|d1", "device") { ["Accounts"] = """[{"u":"u2","c":"DE","s":true,"r":1,"v":3},{"u":"u1","g":true}]""" }, Ct);

        var stored = (await _store.GetDeviceAsync("d1", Ct))!.Value;

        Assert.Equal(["u1", "u2"], stored.LinkedUserIds);
        Assert.Equal(2, stored.LinkCount);
    }

    [Fact]
    public async Task A_device_row_that_is_not_a_list_of_accounts_is_invalid_data_naming_no_id()
    {
        TableEntity[] rows =
        [
            new("d|d1", "device") { ["Accounts"] = "not json" },
            new("d|d2", "device") { ["Accounts"] = "[null]" },
            new("d|d3", "device") { ["Accounts"] = "{}" },
            new("d|d4", "device") { ["Accounts"] = """[{"c":"DE"}]""" },
            new("d|d5", "device") { ["LinkedUserIds"] = "u1,u2", ["LinkCount"] = 1L },
            new("d|d6", "device") { ["LinkedUserIds"] = "u1" },
            new("d|d7", "device") { ["LinkCount"] = 1L },
        ];
        foreach (var row in rows)
        {
            await _table.AddEntityAsync(row, Ct);
            var adId = row.PartitionKey[2..];

            var error = await Assert.ThrowsAsync<InvalidDataException>(() => _store.GetDeviceAsync(adId, Ct));
            Assert.DoesNotContain(adId, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_missing_table_is_an_error_not_a_missing_row()
    {
        var missing = new TableProjectionStore(azurite.CreateServiceClient().GetTableClient(AzuriteServer.UniqueTableName("missing")));

        Assert.Equal(404, (await Assert.ThrowsAsync<RequestFailedException>(() => missing.GetAccountAsync("u1", Ct))).Status);
        Assert.Equal(404, (await Assert.ThrowsAsync<RequestFailedException>(() => missing.GetDeviceAsync("d1", Ct))).Status);
        Assert.Equal(404, (await Assert.ThrowsAsync<RequestFailedException>(() => missing.TryPutAccountAsync(AccountProjection.Missing("u1"), "W/\"datetime'2026-01-01T00%3A00%3A00Z'\"", Ct))).Status);
    }
}
