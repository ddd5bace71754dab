using Microsoft.Extensions.Logging;

namespace ConsentGateway.Core.Policy;

/// <summary>
/// One look at the policy source: a changed document is validated as at start-up and, when
/// valid and new, becomes the policy in force; an invalid one is refused (the policy in force
/// stays, the refusal is logged with every field path and kept for the readiness check). A new
/// document must carry a new <c>policyVersion</c>: decisions name the version, so one version
/// never stands for two documents. A source that cannot be read keeps the policy in force too:
/// it is said at most once per <see cref="RateLimitedLog.Interval"/>, with a count, and kept for
/// the readiness check until a read answers again. The host runs <see cref="RunAsync"/>.
/// </summary>
public sealed partial class PolicyReloader(IPolicyDocumentSource source, PolicyInForce policy, PolicyMetrics metrics, TimeProvider time, ILogger<PolicyReloader> logger)
{
    private readonly RateLimitedLog _unreadable = new(time);
    private string? _knownTag;

    /// <summary>Reads the source at once, then every <paramref name="interval"/>, until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            await PollAsync(cancellationToken).ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
    }

    public async Task PollAsync(CancellationToken cancellationToken)
    {
        PolicySnapshot? snapshot;
        try
        {
            snapshot = await source.ReadIfChangedAsync(_knownTag, cancellationToken).ConfigureAwait(false);
        }
        catch (PolicySourceUnavailableException ex)
        {
            policy.SourceUnreadable(source.Name, time.GetUtcNow(), ex.Message);
            if (_unreadable.Occurred(out var count))
            {
                LogUnreadable(logger, source.Name, count, ex.Message, policy.Current.Version);
            }

            return;
        }

        policy.SourceRead();
        if (snapshot is null)
        {
            return;
        }

        _knownTag = snapshot.Tag;
        var current = policy.Current;
        if (Compile(snapshot) is not { } candidate)
        {
            return;
        }

        var same = PolicyLoader.Serialize(candidate.Document) == PolicyLoader.Serialize(current.Document);
        if (same)
        {
            policy.Confirm();
        }
        else if (candidate.Version == current.Version)
        {
            Refuse([$"policyVersion: '{candidate.Version}' is the version in force, with another document; a new document needs a new version"]);
        }
        else
        {
            policy.SwitchTo(candidate);
            metrics.Switched();
            LogSwitched(logger, current.Version, candidate.Version, source.Name);
        }
    }

    private CompiledPolicy? Compile(PolicySnapshot snapshot)
    {
        try
        {
            using var json = new MemoryStream(snapshot.Content.ToArray(), writable: false);
            return CompiledPolicy.Compile(PolicyLoader.Parse(json));
        }
        catch (PolicyValidationException ex)
        {
            Refuse(ex.Errors);
            return null;
        }
    }

    private void Refuse(IReadOnlyList<string> errors)
    {
        policy.Refuse(new PolicyRefusal(source.Name, time.GetUtcNow(), errors));
        metrics.Refused();
        LogRefused(logger, source.Name, policy.Current.Version, string.Join("; ", errors));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Policy {Previous} switched to {Version}, read from {Source}.")]
    private static partial void LogSwitched(ILogger logger, string previous, string version, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The policy source {Source} cannot be read ({Count} time(s) since the last line): {Reason}; {Version} stays in force.")]
    private static partial void LogUnreadable(ILogger logger, string source, long count, string reason, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The policy document in {Source} was refused; {Version} stays in force. {Errors}")]
    private static partial void LogRefused(ILogger logger, string source, string version, string errors);
}
