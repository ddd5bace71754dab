using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Projection;

namespace ConsentGateway.Infrastructure.Tests.Contracts;

/// <summary>
/// What every <see cref="IChangeLog"/> adapter must do, whatever it orders the changes by: oldest
/// first, from a position the reader remembers, across instances, at least once. A read may give
/// again a change it gave before (the Table log gives its overlap again), so the assertions are
/// about what a reader learns: each change appended after its position, none skipped, in order.
/// </summary>
public abstract class ChangeLogContract(IStoreHarness harness)
    : StoreContract<IChangeLog>(harness, static (h, ct) => h.CreateChangeLogAsync(ct))
{
    // Reads a test allows before it calls the reader stuck, far above what its page sizes need.
    private const int MaxReads = 100;

    [Fact]
    public async Task Changes_read_back_oldest_first_with_their_kinds_and_versions()
    {
        var head = await Store.GetHeadAsync(Ct);
        ProjectedChange[] appended =
        [
            new(SubjectKind.Account, "u1", new SubjectVersion(1, 0)),
            new(SubjectKind.Device, "d1", SubjectVersion.OfDevice(0)),
            new(SubjectKind.Account, "a.b_c-d:E9", new SubjectVersion(long.MaxValue, long.MaxValue - 1)),
            new(SubjectKind.Account, "u1", new SubjectVersion(2, 5)),

            // The same string as a device's id: the kinds are key spaces of their own.
            new(SubjectKind.Device, "u1", SubjectVersion.OfDevice(3)),
        ];
        foreach (var change in appended)
        {
            await Store.AppendAsync(change, Ct);
        }

        var page = await ReadAfterLagAsync(Store, head, 100);

        Assert.Equal(appended, page.Changes);
        Assert.False(page.HasMore);
    }

    [Fact]
    public async Task A_read_from_a_remembered_position_gives_every_change_appended_after_it()
    {
        var head = await Store.GetHeadAsync(Ct);
        var before = await AppendAsync(Store, 0, 5);
        var first = await ReadAfterLagAsync(Store, head, 100);
        Assert.Equal(before, first.Changes);

        var after = await AppendAsync(Store, 5, 5);
        var second = await ReadAfterLagAsync(Store, first.Next, 100);

        // Whatever else the page holds was given before.
        Assert.Equal(after, second.Changes.Except(before));
        Assert.All(second.Changes, change => Assert.Contains(change, before.Concat(after)));
        Assert.False(second.HasMore);

        var third = await ReadAfterLagAsync(Store, second.Next, 100);
        Assert.All(third.Changes, change => Assert.Contains(change, before.Concat(after)));
        Assert.False(third.HasMore);
    }

    [Fact]
    public async Task A_reader_polling_while_changes_are_appended_misses_none()
    {
        var position = await Store.GetHeadAsync(Ct);
        var appended = Changes(0, 60);
        var seen = new HashSet<ProjectedChange>();
        var writing = Task.Run(
            async () =>
            {
                foreach (var change in appended)
                {
                    await Store.AppendAsync(change, Ct);
                }
            },
            Ct);

        for (var reads = 0; !writing.IsCompleted; reads++)
        {
            var page = await Store.ReadAsync(position, 7, Ct);
            seen.UnionWith(page.Changes);
            position = page.Next;
            await Task.Delay(reads % 3, Ct);
        }

        await writing;
        seen.UnionWith((await ReadAllAsync(Store, position, 7)).Changes);

        Assert.Equal(appended.Length, seen.Count);
        Assert.All(appended, change => Assert.Contains(change, seen));
    }

    [Fact]
    public async Task A_reader_starting_at_the_head_sees_every_change_appended_after_it()
    {
        var before = await AppendAsync(Store, 0, 3);
        var head = await Store.GetHeadAsync(Ct);
        var after = await AppendAsync(Store, 3, 3);

        var read = await ReadAllAsync(Store, head, 100);

        // Changes from before the head may come too (the Table log reads back its overlap).
        Assert.Equal(after, read.Changes.Except(before));
    }

    [Fact]
    public async Task A_read_stops_at_its_limit_says_so_and_the_next_goes_on_from_there()
    {
        var head = await Store.GetHeadAsync(Ct);
        var appended = await AppendAsync(Store, 0, 10);

        var page = await ReadAfterLagAsync(Store, head, 3);
        Assert.Equal(appended[..3], page.Changes);
        Assert.True(page.HasMore);

        var learnt = page.Changes.ToList();
        for (var reads = 1; page.HasMore; reads++)
        {
            Assert.True(reads < 4, "10 changes took more than 4 reads of 3");
            page = await Store.ReadAsync(page.Next, 3, Ct);
            var fresh = page.Changes.Except(learnt).ToList();

            // Progress on every read, never more new changes than the limit.
            Assert.InRange(fresh.Count, 1, 3);
            learnt.AddRange(fresh);
        }

        Assert.Equal(appended, learnt);

        // A limit met exactly is not "more".
        var whole = await Store.ReadAsync(head, 10, Ct);
        Assert.Equal(appended, whole.Changes);
        Assert.False(whole.HasMore);
    }

    [Fact]
    public async Task A_new_instance_goes_on_from_a_position_an_earlier_one_gave()
    {
        var head = await Store.GetHeadAsync(Ct);
        var first = await AppendAsync(Store, 0, 3);
        var position = (await ReadAfterLagAsync(Store, head, 100)).Next;
        var second = await AppendAsync(Store, 3, 2);

        var reopened = await Harness.ReopenChangeLogAsync(Ct);
        var third = await AppendAsync(reopened, 5, 2);
        var read = await ReadAllAsync(reopened, position, 100);

        Assert.Equal([.. second, .. third], read.Changes.Except(first));
    }

    [Fact]
    public async Task Pruning_removes_the_changes_appended_before_the_cutoff_and_keeps_the_rest()
    {
        var head = await Store.GetHeadAsync(Ct);
        var old = await AppendAsync(Store, 0, 5);
        await Task.Delay(20, Ct);
        var cutoff = TimeProvider.System.GetUtcNow();
        await Task.Delay(20, Ct);
        var kept = await AppendAsync(Store, 5, 3);

        Assert.Equal(old.Length, await Store.PruneAsync(cutoff, Ct));

        Assert.Equal(kept, (await ReadAllAsync(Store, head, 100)).Changes);
        Assert.Equal(0, await Store.PruneAsync(cutoff, Ct));
    }

    [Fact]
    public async Task Changes_appended_by_many_tasks_at_once_are_all_read()
    {
        var head = await Store.GetHeadAsync(Ct);
        var appended = Changes(0, 64);

        await RaceAsync(appended.Length, async writer =>
        {
            await Store.AppendAsync(appended[writer], Ct);
            return writer;
        });
        var read = await ReadAllAsync(Store, head, 10);

        Assert.Equal(appended.Select(change => change.SubjectId).Order(StringComparer.Ordinal), read.Changes.Select(change => change.SubjectId).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task A_read_of_no_changes_is_refused(int maxChanges)
    {
        var head = await Store.GetHeadAsync(Ct);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ReadAsync(head, maxChanges, Ct));
    }

    [Fact]
    public async Task A_change_without_a_subject_is_refused_and_not_appended()
    {
        var head = await Store.GetHeadAsync(Ct);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.AppendAsync(new ProjectedChange(SubjectKind.Account, "", new SubjectVersion(1, 1)), Ct));

        Assert.Empty((await ReadAfterLagAsync(Store, head, 10)).Changes);
    }

    /// <summary>Distinct changes, one per subject: even numbers accounts, odd ones devices.</summary>
    internal static ProjectedChange[] Changes(int first, int count) =>
    [
        .. Enumerable.Range(first, count).Select(i => i % 2 == 0
            ? new ProjectedChange(SubjectKind.Account, $"user-{i}", new SubjectVersion(i + 1, i))
            : new ProjectedChange(SubjectKind.Device, $"device-{i}", SubjectVersion.OfDevice(i))),
    ];

    /// <summary>Appends <see cref="Changes"/>(<paramref name="first"/>, <paramref name="count"/>) one after the other.</summary>
    protected static async Task<ProjectedChange[]> AppendAsync(IChangeLog log, int first, int count)
    {
        ArgumentNullException.ThrowIfNull(log);
        var changes = Changes(first, count);
        foreach (var change in changes)
        {
            await log.AppendAsync(change, Ct);
        }

        return changes;
    }

    /// <summary>One read, once what was appended before it is visible by the log's own word.</summary>
    protected static async Task<ChangeLogPage> ReadAfterLagAsync(IChangeLog log, ChangeLogPosition position, int maxChanges)
    {
        ArgumentNullException.ThrowIfNull(log);
        await Task.Delay(log.VisibilityLag, Ct);
        return await log.ReadAsync(position, maxChanges, Ct);
    }

    /// <summary>Reads until a page says there is no more: what the reader learnt (each change once, in the order first given) and where it is.</summary>
    protected static async Task<(List<ProjectedChange> Changes, ChangeLogPosition Next)> ReadAllAsync(IChangeLog log, ChangeLogPosition position, int maxChanges)
    {
        var page = await ReadAfterLagAsync(log, position, maxChanges);
        var learnt = new List<ProjectedChange>();
        var seen = new HashSet<ProjectedChange>();
        for (var reads = 1; ; reads++)
        {
            learnt.AddRange(page.Changes.Where(seen.Add));
            if (!page.HasMore)
            {
                return (learnt, page.Next);
            }

            Assert.True(reads < MaxReads, $"the reader made no progress in {MaxReads} reads");
            page = await log.ReadAsync(page.Next, maxChanges, Ct);
        }
    }
}
