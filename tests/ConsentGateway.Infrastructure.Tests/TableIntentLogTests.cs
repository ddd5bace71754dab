using Azure;
using Azure.Data.Tables;
using ConsentGateway.Core.Changes;
using ConsentGateway.Infrastructure.TableStorage;
using ConsentGateway.Infrastructure.Tests.Contracts;
using ConsentGateway.Testing;

namespace ConsentGateway.Infrastructure.Tests;

/// <summary>What only the Table Storage intent log does: its shards and its ids. The port's semantics are <see cref="IntentLogContract"/>.</summary>
[Collection(SharedAzurite.Name)]
public sealed class TableIntentLogTests(AzuriteServer azurite) : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset T0 = IntentLogContract.T0;
    private static readonly DateTimeOffset Later = IntentLogContract.Later;

    private TableClient _table = null!;
    private TableIntentLog _log = null!;

    public async Task InitializeAsync()
    {
        _table = await azurite.CreateTableAsync("intents");
        _log = new TableIntentLog(_table);
    }

    public Task DisposeAsync() => _table.DeleteAsync();

    [Fact]
    public void The_keys_of_the_contract_spread_over_the_shards_so_that_its_ordering_test_merges_them()
    {
        // IntentLogContract's ordering test proves the merge of the shards only if its keys fall in many.
        var partitions = IntentLogContract.PendingKeys.Select(TableIntentLog.PartitionOf).Distinct().Count();

        Assert.True(partitions >= 8, $"The keys fall in {partitions} shards: the ordering test proves little about merging them.");
    }

    [Fact]
    public async Task Intents_of_the_same_instant_are_pending_in_the_order_of_their_ids()
    {
        var recorded = await IntentLogContract.RecordAtOneInstantAsync(_log);

        var pending = await _log.GetPendingAsync(T0.AddTicks(1), 10, Ct);

        Assert.Equal(recorded.Select(intent => intent.Id).Order(StringComparer.Ordinal), pending.Select(intent => intent.Id));
    }

    [Fact]
    public async Task Ids_from_many_keys_spread_over_the_shards_and_a_key_keeps_its_shard()
    {
        var partitions = Enumerable.Range(0, 200).Select(i => TableIntentLog.PartitionOf($"user-{i}")).ToList();

        Assert.Equal(TableIntentLog.ShardCount, partitions.Distinct().Count());
        Assert.All(partitions, partition => Assert.Matches("^intents-[0-9a-f]$", partition));
        Assert.All(partitions.CountBy(partition => partition), shard => Assert.InRange(shard.Value, 3, 30));

        // Stable across processes (not string.GetHashCode): the same key, the same shard, here and in the id.
        var intent = await _log.RecordAsync(ChangeKind.Setting, "user-0", null, T0, Ct);
        Assert.Equal(partitions[0], TableIntentLog.ParseId(intent.Id).PartitionKey);
        Assert.Equal(partitions[0], TableIntentLog.PartitionOf("user-0"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("intents-0")]
    [InlineData("intents-g/0638000000000000000|0123456789abcdef0123456789abcdef")]
    [InlineData("intents-10/0638000000000000000|0123456789abcdef0123456789abcdef")]
    [InlineData("accounts/0638000000000000000|0123456789abcdef0123456789abcdef")]
    [InlineData("intents-0/638000000000000000|0123456789abcdef0123456789abcdef")]
    [InlineData("intents-0/0638000000000000000|0123456789ABCDEF0123456789abcdef")]
    [InlineData("intents-0/0638000000000000000/0123456789abcdef0123456789abcdef")]
    [InlineData("intents-0/0638000000000000000|0123456789abcdef0123456789abcdef/x")]
    public async Task An_id_this_log_never_made_is_refused_without_echoing_it(string intentId)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _log.ClearAsync(intentId, Ct));

        Assert.Equal("intentId", error.ParamName);
        Assert.DoesNotContain("0638000000000000000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_table_is_an_error_not_an_intent_already_cleared()
    {
        var intent = await _log.RecordAsync(ChangeKind.Account, "u1", null, T0, Ct);
        var missing = new TableIntentLog(azurite.CreateServiceClient().GetTableClient(AzuriteServer.UniqueTableName("missing")));

        Assert.Equal(404, (await Assert.ThrowsAsync<RequestFailedException>(() => missing.ClearAsync(intent.Id, Ct))).Status);
        Assert.Equal(404, (await Assert.ThrowsAsync<RequestFailedException>(() => missing.GetPendingAsync(Later, 10, Ct))).Status);
        Assert.Equal(404, (await Assert.ThrowsAsync<RequestFailedException>(() => missing.RecordAsync(ChangeKind.Account, "u1", null, T0, Ct))).Status);
    }
}
