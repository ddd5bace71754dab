using ConsentGateway.Core.Policy;

namespace ConsentGateway.Core.Evaluation;

/// <summary>
/// Answers egress proxies' questions: reads the subject through the <see cref="SubjectCache"/>,
/// evaluates, logs and counts. <c>ttlSeconds</c> is what is left of the cache TTL of the oldest
/// entry used, so a proxy's cached answer expires no later than the gateway's own memory of it.
/// </summary>
public sealed class DecisionService(CompiledPolicy policy, SubjectCache subjects, DecisionLog log, EvaluationMetrics metrics, TimeProvider time)
{
    private readonly DecisionIds _ids = new(time);

    public CompiledPolicy Policy => policy;

    public async ValueTask<DecisionRecord> DecideAsync(EvaluationQuestion question, CancellationToken cancellationToken)
    {
        var user = question.UserId is null ? default : await subjects.GetAccountAsync(question.UserId, cancellationToken).ConfigureAwait(false);
        var device = question.DeviceAdId is null ? default : await subjects.GetDeviceAsync(question.DeviceAdId, cancellationToken).ConfigureAwait(false);
        return Decide(question, user, device);
    }

    /// <summary>Decides many questions, in order; every subject missing from memory is read at once, not one after another.</summary>
    public async Task<DecisionRecord[]> DecideManyAsync(IReadOnlyList<EvaluationQuestion> questions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(questions);
        var users = new Fresh<AccountLookup>[questions.Count];
        var devices = new Fresh<DeviceLookup>[questions.Count];
        var pendingUsers = new Task<Fresh<AccountLookup>>?[questions.Count];
        var pendingDevices = new Task<Fresh<DeviceLookup>>?[questions.Count];
        for (var i = 0; i < questions.Count; i++)
        {
            var question = questions[i];
            if (question.UserId is not null)
            {
                pendingUsers[i] = Pending(subjects.GetAccountAsync(question.UserId, cancellationToken), out users[i]);
            }

            if (question.DeviceAdId is not null)
            {
                pendingDevices[i] = Pending(subjects.GetDeviceAsync(question.DeviceAdId, cancellationToken), out devices[i]);
            }
        }

        var records = new DecisionRecord[questions.Count];
        for (var i = 0; i < questions.Count; i++)
        {
            var user = pendingUsers[i] is { } pendingUser ? await pendingUser.ConfigureAwait(false) : users[i];
            var device = pendingDevices[i] is { } pendingDevice ? await pendingDevice.ConfigureAwait(false) : devices[i];
            records[i] = Decide(questions[i], user, device);
        }

        return records;
    }

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

    private DecisionRecord Decide(in EvaluationQuestion question, Fresh<AccountLookup> user, Fresh<DeviceLookup> device)
    {
        var facts = new SubjectFacts(user.Value, device.Value.Status, device.Value.Accounts);
        var decision = PolicyEvaluator.Evaluate(policy, question.Request, facts);
        var record = new DecisionRecord(decision, _ids.Next(), TtlSeconds(question, user, device));
        log.Write(question, record);
        metrics.Decided(decision);
        return record;
    }

    // An answer built on a read that failed is not to be reused at all.
    private int TtlSeconds(in EvaluationQuestion question, Fresh<AccountLookup> user, Fresh<DeviceLookup> device)
    {
        if (user.Value.Status == LookupStatus.Unavailable || device.Value.Status == LookupStatus.Unavailable)
        {
            return 0;
        }

        var remaining = subjects.Ttl;
        if (question.UserId is not null)
        {
            remaining = Min(remaining, subjects.RemainingTrust(user.ReadAt));
        }

        if (question.DeviceAdId is not null)
        {
            remaining = Min(remaining, subjects.RemainingTrust(device.ReadAt));
        }

        return (int)remaining.TotalSeconds;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
