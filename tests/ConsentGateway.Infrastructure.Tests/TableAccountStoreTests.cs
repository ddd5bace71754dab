using System.Globalization;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using ConsentGateway.Infrastructure.TableStorage;
using ConsentGateway.Infrastructure.Tests.Contracts;
using ConsentGateway.Testing;

namespace ConsentGateway.Infrastructure.Tests;

/// <summary>What only the Table Storage account store does: its row layout. The port's semantics are <see cref="AccountStoreContract"/>.</summary>
[Collection(SharedAzurite.Name)]
public sealed class TableAccountStoreTests(AzuriteServer azurite) : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private TableClient _table = null!;
    private TableAccountStore _store = null!;

    public async Task InitializeAsync()
    {
        _table = await azurite.CreateTableAsync("accounts");
        _store = new TableAccountStore(_table);
    }

    public Task DisposeAsync() => _table.DeleteAsync();

    [Fact]
    public async Task A_missing_table_is_an_error_not_a_missing_account()
    {
        var missing = new TableAccountStore(azurite.CreateServiceClient().GetTableClient(AzuriteServer.UniqueTableName("missing")));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => missing.FindAsync("u1", Ct));

        Assert.Equal(404, error.Status);
    }

    [Fact]
    public async Task A_history_row_written_before_receipts_existed_reads_back_with_neither_a_receipt_nor_a_notice()
    {
        await _store.TryWriteAccountAsync(AccountStoreContract.NewAccount("u1", "DE"), null, Ct);

        // The row as the store wrote it before receipts: no ReceiptId and no NoticeVersion property.
        await _table.AddEntityAsync(new TableEntity("u1", "history|" + (long.MaxValue - 1).ToString("D19", CultureInfo.InvariantCulture))
        {
            ["Enabled"] = true,
            ["At"] = DateTimeOffset.UnixEpoch,
            ["Channel"] = "user",
            ["PolicyVersion"] = "2020-04-06",
        }, Ct);
        var receipt = Guid.NewGuid();
        Assert.True(await _store.TryAppendChangeAsync("u1", AccountStoreContract.Change(2) with { ReceiptId = receipt, NoticeVersion = "2020-04-06" }, Ct));

        var history = await _store.GetHistoryAsync("u1", Ct);
        Assert.Equal([(1L, null, null), (2L, receipt, "2020-04-06")], history.Select(c => (c.Version, c.ReceiptId, c.NoticeVersion)));

        // What a receipt is stored as: a GUID property, next to the notice's string.
        var row = (await _table.GetEntityAsync<TableEntity>("u1", "history|" + (long.MaxValue - 2).ToString("D19", CultureInfo.InvariantCulture), cancellationToken: Ct)).Value;
        Assert.Equal((receipt, "2020-04-06"), (row.GetGuid("ReceiptId"), row.GetString("NoticeVersion")));
    }

    [Fact]
    public async Task The_partition_holds_the_account_row_then_the_links_then_the_history_newest_first()
    {
        long[] versions = [100, 9, 1, 1000, 10, 2, 99, 11, 101, 12345678901];
        await _store.TryWriteAccountAsync(AccountStoreContract.NewAccount("u1", "DE"), null, Ct);
        foreach (var version in versions)
        {
            Assert.True(await _store.TryAppendChangeAsync("u1", AccountStoreContract.Change(version), Ct));
        }

        await _store.AddDeviceLinkAsync("u1", "d1", DateTimeOffset.UnixEpoch, Ct);

        // The stored keys count down from long.MaxValue, zero-padded to 19 digits, so the table
        // returns the partition as: the account row, the links, the newest change … the oldest.
        // The links, "device|{adId}", sort between the two whatever the device id, so that one
        // query from the account row to the newest history row reads them all.
        var keys = await RowKeysAsync("u1");
        Assert.Equal(
            ["account", "device|d1", .. versions.OrderDescending().Select(version => "history|" + (long.MaxValue - version).ToString("D19", CultureInfo.InvariantCulture))],
            keys);
    }

    [Fact]
    public async Task Finding_an_account_is_one_request_however_many_devices_are_linked()
    {
        // The projector reads the account for every change of it: when the read ran from the
        // account row to the newest change, 40 linked devices took 3 requests (pages of 16), 400 took 26.
        var created = await _store.TryWriteAccountAsync(AccountStoreContract.NewAccount("u1", "DE"), null, Ct);
        for (var device = 0; device < 40; device++)
        {
            await _store.AddDeviceLinkAsync("u1", $"device-{device:D2}", DateTimeOffset.UnixEpoch, Ct);
        }

        Assert.True(await _store.TryAppendChangeAsync("u1", AccountStoreContract.Change(1), Ct));
        Assert.True(await _store.TryAppendChangeAsync("u1", AccountStoreContract.Change(2), Ct));
        var requests = new RequestCounter();
        var options = new TableClientOptions();
        options.AddPolicy(requests, HttpPipelinePosition.PerCall);
        var counted = new TableAccountStore(new TableServiceClient(azurite.ConnectionString, options).GetTableClient(_table.Name));

        var found = await counted.FindAsync("u1", Ct);

        Assert.Equal((2L, true), (found!.SettingVersion, found.Setting));
        Assert.Equal(created!.ConcurrencyToken, found.ConcurrencyToken);
        Assert.Equal(1, requests.Count);
    }

    private async Task<List<string>> RowKeysAsync(string userId)
    {
        var keys = new List<string>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {userId}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: [nameof(TableEntity.RowKey)], cancellationToken: Ct))
        {
            keys.Add(row.RowKey);
        }

        return keys;
    }

    private sealed class RequestCounter : HttpPipelineSynchronousPolicy
    {
        private int _count;

        public int Count => _count;

        public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
    }
}
