using System.Buffers;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Policy;

namespace ConsentGateway.Core.Evaluation;

/// <summary>
/// Answers egress proxies' questions: reads the subject through the <see cref="SubjectCache"/>
/// (a device, then each of its linked accounts through the account entries), evaluates, logs
/// and counts. <c>ttlSeconds</c> is what is left of the decision budget for the least fresh
/// entry used, so a proxy's reuse of the answer and the gateway's lag stay within it together.
/// Misses are read in the caller's <see cref="ReadLane"/>; a question carrying a consistency
/// token reads each subject the token names at least at the token's version.
/// </summary>
public sealed class DecisionService(PolicyInForce policies, SubjectCache subjects, DecisionLog log, EvaluationMetrics metrics, TimeProvider time)
{
    private readonly DecisionIds _ids = new(time);

    /// <summary>The policy in force now: a request resolves its question against it once, and that policy decides it.</summary>
    public CompiledPolicy Policy => policies.Current;

    public async ValueTask<DecisionRecord> DecideAsync(EvaluationQuestion question, ReadLane lane, CancellationToken cancellationToken)
    {
        using var activity = GatewayActivities.Source.StartActivity(GatewayActivities.Decide);
        var user = question.UserId is null ? default : await Account(question, question.UserId, lane, cancellationToken).ConfigureAwait(false);
        var device = question.DeviceAdId is null ? default : await Device(question, question.DeviceAdId, lane, cancellationToken).ConfigureAwait(false);
        var record = await DecideAsync(question, user, device, lane, cancellationToken).ConfigureAwait(false);
        activity?.SetTag(ConsentAttributes.Decision, record.Decision.Outcome.ToName())
            .SetTag(ConsentAttributes.Partner, record.Decision.Partnership?.Id ?? ConsentAttributes.UnknownPartner)
            .SetTag(ConsentAttributes.DecisionId, record.Id);
        return record;
    }

    /// <summary>Decides many questions, in order; every subject missing from memory is read at once, not one after another.</summary>
    public async Task<DecisionRecord[]> DecideManyAsync(IReadOnlyList<EvaluationQuestion> questions, ReadLane lane, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(questions);
        using var activity = GatewayActivities.Source.StartActivity(GatewayActivities.DecideBatch);
        activity?.SetTag("consent.batch.size", questions.Count);
        var users = new Fresh<AccountLookup>[questions.Count];
        var devices = new Fresh<DeviceLookup>[questions.Count];
        var pendingUsers = new Task<Fresh<AccountLookup>>?[questions.Count];
        var pendingDevices = new Task<Fresh<DeviceLookup>>?[questions.Count];

        // The accounts a batch names and memory lacks are read as one group; each lookup below joins it.
        subjects.PrefetchAccounts(questions.Where(q => q.UserId is not null && q.AtLeastAsFresh is null).Select(q => q.UserId!), lane);
        for (var i = 0; i < questions.Count; i++)
        {
            var question = questions[i];
            if (question.UserId is not null)
            {
                pendingUsers[i] = Pending(Account(question, question.UserId, lane, cancellationToken), out users[i]);
            }

            if (question.DeviceAdId is not null)
            {
                pendingDevices[i] = Pending(Device(question, question.DeviceAdId, lane, cancellationToken), out devices[i]);
            }
        }

        // Each decision starts the reads of its device's accounts before the next one is awaited.
        var records = new DecisionRecord[questions.Count];
        var pendingRecords = new Task<DecisionRecord>?[questions.Count];
        for (var i = 0; i < questions.Count; i++)
        {
            var user = pendingUsers[i] is { } pendingUser ? await pendingUser.ConfigureAwait(false) : users[i];
            var device = pendingDevices[i] is { } pendingDevice ? await pendingDevice.ConfigureAwait(false) : devices[i];
            pendingRecords[i] = Pending(DecideAsync(questions[i], user, device, lane, cancellationToken), out records[i]);
        }

        for (var i = 0; i < questions.Count; i++)
        {
            if (pendingRecords[i] is { } pendingRecord)
            {
                records[i] = await pendingRecord.ConfigureAwait(false);
            }
        }

        return records;
    }

    private ValueTask<Fresh<AccountLookup>> Account(in EvaluationQuestion question, string userId, ReadLane lane, CancellationToken cancellationToken) =>
        subjects.GetAccountAsync(userId, lane, question.AtLeastAsFresh?.DemandFor(SubjectKind.Account, userId), cancellationToken);

    private ValueTask<Fresh<DeviceLookup>> Device(in EvaluationQuestion question, string adId, ReadLane lane, CancellationToken cancellationToken) =>
        subjects.GetDeviceAsync(adId, lane, question.AtLeastAsFresh?.DemandFor(SubjectKind.Device, adId), cancellationToken);

    // A lookup answered from memory is taken at once; only a read still running becomes a task.
    private static Task<T>? Pending<T>(ValueTask<T> lookup, out T value)
    {
        if (lookup.IsCompletedSuccessfully)
        {
            value = lookup.Result;
            return null;
        }

        value = default!;
        return lookup.AsTask();
    }

    /// <summary>Reads the device's linked accounts (all at once, into a pooled buffer), then decides.</summary>
    private async ValueTask<DecisionRecord> DecideAsync(EvaluationQuestion question, Fresh<AccountLookup> user, Fresh<DeviceLookup> device, ReadLane lane, CancellationToken cancellationToken)
    {
        var userIds = device.Value.LinkedUserIds;
        if (userIds is not { Length: > 0 })
        {
            return Decide(question, user, device, new LinkedAccounts([]), lane);
        }

        var linked = new LinkedAccounts(ArrayPool<AccountLookup>.Shared.Rent(userIds.Length));
        try
        {
            Task<Fresh<AccountLookup>>?[]? reads = null;
            for (var i = 0; i < userIds.Length; i++)
            {
                if (Pending(Account(question, userIds[i], lane, cancellationToken), out var account) is { } read)
                {
                    (reads ??= new Task<Fresh<AccountLookup>>?[userIds.Length])[i] = read;
                }
                else
                {
                    linked.Set(i, account);
                }
            }

            for (var i = 0; reads is not null && i < reads.Length; i++)
            {
                if (reads[i] is { } read)
                {
                    linked.Set(i, await read.ConfigureAwait(false));
                }
            }

            return Decide(question, user, device, linked, lane);
        }
        finally
        {
            ArrayPool<AccountLookup>.Shared.Return(linked.Accounts);
        }
    }

    private DecisionRecord Decide(in EvaluationQuestion question, Fresh<AccountLookup> user, Fresh<DeviceLookup> device, in LinkedAccounts linked, ReadLane lane)
    {
        var facts = new SubjectFacts(user.Value, device.Value.Status, linked.Accounts.AsSpan(0, device.Value.LinkedUserIds?.Length ?? 0));
        var decision = PolicyEvaluator.Evaluate(question.Policy, question.Request, facts);
        var record = new DecisionRecord(decision, _ids.Next(), TtlSeconds(question, user, device, linked));
        log.Write(question, lane, record);
        metrics.Decided(decision);
        return record;
    }

    // An answer built on a read that failed is not to be reused at all.
    private int TtlSeconds(in EvaluationQuestion question, Fresh<AccountLookup> user, Fresh<DeviceLookup> device, in LinkedAccounts linked)
    {
        if (user.Value.Status == LookupStatus.Unavailable || device.Value.Status == LookupStatus.Unavailable || linked.AnyUnavailable)
        {
            return 0;
        }

        var remaining = subjects.Budget;
        if (question.UserId is not null)
        {
            remaining = Min(remaining, subjects.RemainingTrust(user.FreshAsOf));
        }

        if (question.DeviceAdId is not null)
        {
            remaining = Min(remaining, subjects.RemainingTrust(Math.Min(device.FreshAsOf, linked.LeastFreshAsOf)));
        }

        return (int)remaining.TotalSeconds;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>The accounts of a device as read for one decision, and how fresh the oldest of them is.</summary>
    private struct LinkedAccounts(AccountLookup[] accounts)
    {
        public readonly AccountLookup[] Accounts => accounts;

        public long LeastFreshAsOf { get; private set; } = long.MaxValue;

        public bool AnyUnavailable { get; private set; }

        public void Set(int index, Fresh<AccountLookup> read)
        {
            accounts[index] = read.Value;
            LeastFreshAsOf = Math.Min(LeastFreshAsOf, read.FreshAsOf);
            AnyUnavailable |= read.Value.Status == LookupStatus.Unavailable;
        }
    }
}
