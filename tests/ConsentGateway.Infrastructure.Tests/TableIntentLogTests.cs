using Azure;
using Azure.Data.Tables;
using ConsentGateway.Core.Changes;
using ConsentGateway.Infrastructure.TableStorage;
using ConsentGateway.Testing;

namespace ConsentGateway.Infrastructure.Tests;

[Collection(SharedAzurite.Name)]
public sealed class TableIntentLogTests(AzuriteServer azurite) : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero).AddTicks(1234567);
    private static readonly DateTimeOffset Later = T0.AddYears(1);

    private TableClient _table = null!;
    private TableIntentLog _log = null!;

    public async Task InitializeAsync()
    {
        _table = await azurite.CreateTableAsync("intents");
        _log = new TableIntentLog(_table);
    }

    public Task DisposeAsync() => _table.DeleteAsync();

    [Fact]
    public async Task A_recorded_intent_is_pending_with_its_facts_until_cleared()
    {
        var at = new DateTimeOffset(2026, 11, 29, 9, 30, 0, TimeSpan.FromHours(2)).AddTicks(7);
        var recorded = await _log.RecordAsync(ChangeKind.Device, "d1", "u1", at, Ct);

        var pending = Assert.Single(await _log.GetPendingAsync(at.AddTicks(1), 10, Ct));

        Assert.Equal(recorded, pending);
        Assert.Equal((ChangeKind.Device, "d1", "u1"), (pending.Kind, pending.Key, pending.LinkedUserId));
        Assert.Equal(at.UtcTicks, pending.RecordedAt.UtcTicks);
        Assert.Equal(TimeSpan.Zero, pending.RecordedAt.Offset);

        await _log.ClearAsync(recorded.Id, Ct);

        Assert.Empty(await _log.GetPendingAsync(Later, 10, Ct));
    }

    [Theory]
    [InlineData(ChangeKind.Account)]
    [InlineData(ChangeKind.Setting)]
    [InlineData(ChangeKind.Device)]
    public async Task Every_kind_reads_back_as_written_and_no_linked_user_reads_as_none(ChangeKind kind)
    {
        await _log.RecordAsync(kind, "key-1", null, T0, Ct);

        var pending = Assert.Single(await _log.GetPendingAsync(Later, 10, Ct));

        Assert.Equal(kind, pending.Kind);
        Assert.Null(pending.LinkedUserId);
    }

    [Fact]
    public async Task Pending_is_strictly_before_the_bound_oldest_first_across_shards_and_at_most_max()
    {
        // 40 intents one millisecond apart, recorded in shuffled order, under keys of many shards.
        var order = Enumerable.Range(0, 40).ToArray();
        new Random(7).Shuffle(order);
        var recorded = new Intent[order.Length];
        foreach (var i in order)
        {
            recorded[i] = await _log.RecordAsync(ChangeKind.Setting, $"user-{i}", null, T0.AddMilliseconds(i), Ct);
        }

        Assert.True(recorded.Select(intent => TableIntentLog.ParseId(intent.Id).PartitionKey).Distinct().Count() >= 8, "The keys did not spread over shards: the test proved nothing about merging them.");

        Assert.Equal(recorded[..20], await _log.GetPendingAsync(T0.AddMilliseconds(20), 100, Ct));
        Assert.Equal(recorded[..7], await _log.GetPendingAsync(Later, 7, Ct));
        Assert.Equal(recorded, await _log.GetPendingAsync(Later, 1000, Ct));
        Assert.Empty(await _log.GetPendingAsync(T0, 100, Ct));
        Assert.Empty(await _log.GetPendingAsync(Later, 0, Ct));
    }

    [Fact]
    public async Task Intents_of_the_same_instant_are_all_pending_in_a_stable_order()
    {
        var recorded = new List<Intent>();
        for (var i = 0; i < 5; i++)
        {
            recorded.Add(await _log.RecordAsync(ChangeKind.Account, "u1", null, T0, Ct));
        }

        var pending = await _log.GetPendingAsync(T0.AddTicks(1), 10, Ct);

        Assert.Equal(recorded.Select(intent => intent.Id).Order(StringComparer.Ordinal), pending.Select(intent => intent.Id));
        Assert.Equal(pending, await _log.GetPendingAsync(T0.AddTicks(1), 10, Ct));
    }

    [Fact]
    public async Task Clearing_twice_is_fine_and_clears_only_that_intent()
    {
        var first = await _log.RecordAsync(ChangeKind.Account, "u1", null, T0, Ct);
        var second = await _log.RecordAsync(ChangeKind.Account, "u1", null, T0.AddTicks(1), Ct);

        await _log.ClearAsync(first.Id, Ct);
        await _log.ClearAsync(first.Id, Ct);

        Assert.Equal([second], await _log.GetPendingAsync(Later, 10, Ct));
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
