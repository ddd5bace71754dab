using ConsentGateway.Core.Changes;

namespace ConsentGateway.Infrastructure.Tests.Contracts;

/// <summary>What every <see cref="IIntentLog"/> adapter must do, whatever it stores the entries in.</summary>
public abstract class IntentLogContract(IStoreHarness harness)
    : StoreContract<IIntentLog>(harness, static (h, ct) => h.CreateIntentLogAsync(ct))
{
    protected internal static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero).AddTicks(1234567);
    protected internal static readonly DateTimeOffset Later = T0.AddYears(1);

    /// <summary>The keys of <see cref="Pending_is_strictly_before_the_bound_oldest_first_and_at_most_max"/>, in the order they are recorded.</summary>
    public static IReadOnlyList<string> PendingKeys { get; } = [.. Enumerable.Range(0, 40).Select(i => $"user-{i}")];

    [Fact]
    public async Task A_recorded_intent_is_pending_with_its_facts_until_cleared()
    {
        var at = new DateTimeOffset(2026, 11, 29, 9, 30, 0, TimeSpan.FromHours(2)).AddTicks(7);
        var recorded = await Store.RecordAsync(ChangeKind.Device, "d1", "u1", at, Ct);

        var pending = Assert.Single(await Store.GetPendingAsync(at.AddTicks(1), 10, Ct));

        Assert.Equal(recorded, pending);
        Assert.Equal((ChangeKind.Device, "d1", "u1"), (pending.Kind, pending.Key, pending.LinkedUserId));
        Assert.Equal(at.UtcTicks, pending.RecordedAt.UtcTicks);
        Assert.Equal(TimeSpan.Zero, pending.RecordedAt.Offset);
        Assert.False(string.IsNullOrEmpty(recorded.Id));

        await Store.ClearAsync(recorded.Id, Ct);

        Assert.Empty(await Store.GetPendingAsync(Later, 10, Ct));
    }

    [Theory]
    [InlineData(ChangeKind.Account)]
    [InlineData(ChangeKind.Setting)]
    [InlineData(ChangeKind.Device)]
    public async Task Every_kind_reads_back_as_written_and_no_linked_user_reads_as_none(ChangeKind kind)
    {
        await Store.RecordAsync(kind, "key-1", null, T0, Ct);

        var pending = Assert.Single(await Store.GetPendingAsync(Later, 10, Ct));

        Assert.Equal(kind, pending.Kind);
        Assert.Null(pending.LinkedUserId);
    }

    [Fact]
    public async Task Pending_is_strictly_before_the_bound_oldest_first_and_at_most_max()
    {
        // 40 intents one millisecond apart, under keys of their own, recorded in shuffled order.
        var order = Enumerable.Range(0, PendingKeys.Count).ToArray();
        new Random(7).Shuffle(order);
        var recorded = new Intent[order.Length];
        foreach (var i in order)
        {
            recorded[i] = await Store.RecordAsync(ChangeKind.Setting, PendingKeys[i], null, T0.AddMilliseconds(i), Ct);
        }

        Assert.Equal(recorded[..20], await Store.GetPendingAsync(T0.AddMilliseconds(20), 100, Ct));
        Assert.Equal(recorded[..7], await Store.GetPendingAsync(Later, 7, Ct));
        Assert.Equal(recorded, await Store.GetPendingAsync(Later, 1000, Ct));
        Assert.Empty(await Store.GetPendingAsync(T0, 100, Ct));
        Assert.Empty(await Store.GetPendingAsync(Later, 0, Ct));
    }

    [Fact]
    public async Task Intents_of_the_same_instant_are_all_pending_in_a_stable_order()
    {
        var recorded = await RecordAtOneInstantAsync(Store);

        var pending = await Store.GetPendingAsync(T0.AddTicks(1), 10, Ct);

        Assert.Equal(5, recorded.Select(intent => intent.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(recorded.Select(intent => intent.Id).Order(StringComparer.Ordinal), pending.Select(intent => intent.Id).Order(StringComparer.Ordinal));
        Assert.Equal(pending, await Store.GetPendingAsync(T0.AddTicks(1), 10, Ct));

        // A page of them is the start of that order, so a reader paging by max sees each once.
        Assert.Equal(pending.Take(3), await Store.GetPendingAsync(T0.AddTicks(1), 3, Ct));
    }

    [Fact]
    public async Task Clearing_twice_is_fine_and_clears_only_that_intent()
    {
        var first = await Store.RecordAsync(ChangeKind.Account, "u1", null, T0, Ct);
        var second = await Store.RecordAsync(ChangeKind.Account, "u1", null, T0.AddTicks(1), Ct);

        await Store.ClearAsync(first.Id, Ct);
        await Store.ClearAsync(first.Id, Ct);

        Assert.Equal([second], await Store.GetPendingAsync(Later, 10, Ct));
    }

    [Fact]
    public async Task Clearing_an_intent_concurrently_many_times_is_fine()
    {
        var intent = await Store.RecordAsync(ChangeKind.Device, "d1", "u1", T0, Ct);
        var other = await Store.RecordAsync(ChangeKind.Device, "d2", "u1", T0, Ct);

        // Duplicate deliveries of one notice clear its intent at once.
        await RaceAsync(8, async _ =>
        {
            await Store.ClearAsync(intent.Id, Ct);
            return true;
        });

        Assert.Equal([other], await Store.GetPendingAsync(Later, 10, Ct));
    }

    [Fact]
    public async Task Concurrent_records_all_land_each_with_an_id_of_its_own()
    {
        var recorded = await RaceAsync(40, writer => Store.RecordAsync(ChangeKind.Setting, $"user-{writer % 4}", null, T0.AddTicks(writer % 3), Ct));

        Assert.Equal(recorded.Length, recorded.Select(intent => intent.Id).Distinct(StringComparer.Ordinal).Count());
        var pending = await Store.GetPendingAsync(Later, 100, Ct);
        Assert.Equal(recorded.OrderBy(intent => intent.Id, StringComparer.Ordinal), pending.OrderBy(intent => intent.Id, StringComparer.Ordinal));
        Assert.Equal(pending.OrderBy(intent => intent.RecordedAt), pending);
    }

    [Fact]
    public async Task An_id_this_log_never_made_is_refused_without_echoing_it()
    {
        var recorded = await Store.RecordAsync(ChangeKind.Account, "u1", null, T0, Ct);
        string[] ids = ["", "not-an-intent-id-0638000000000000000", recorded.Id + "/x", recorded.Id + " 0638000000000000000"];

        foreach (var id in ids)
        {
            var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.ClearAsync(id, Ct));

            Assert.Equal("intentId", error.ParamName);
            Assert.DoesNotContain("0638000000000000000", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(recorded.Id, error.Message, StringComparison.Ordinal);
        }

        // Refusing them cleared nothing.
        Assert.Equal([recorded], await Store.GetPendingAsync(Later, 10, Ct));
    }

    /// <summary>Records five intents of one key at <see cref="T0"/>, one after the other.</summary>
    internal static async Task<List<Intent>> RecordAtOneInstantAsync(IIntentLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var recorded = new List<Intent>();
        for (var i = 0; i < 5; i++)
        {
            recorded.Add(await log.RecordAsync(ChangeKind.Account, "u1", null, T0, Ct));
        }

        return recorded;
    }
}
