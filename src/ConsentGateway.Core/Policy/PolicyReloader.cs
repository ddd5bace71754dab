using Microsoft.Extensions.Logging;

namespace ConsentGateway.Core.Policy;

/// <summary>
/// One look at the policy source: a changed document is validated as at start-up and, when
/// valid and new, becomes the policy in force; an invalid one is refused (the policy in force
/// stays, the refusal is logged with every field path and kept for the readiness check). A new
/// document must carry a new <c>policyVersion</c>: decisions name the version, so one version
/// never stands for two documents. The host calls <see cref="PollAsync"/> on a timer.
/// </summary>
public sealed partial class PolicyReloader(IPolicyDocumentSource source, PolicyInForce policy, PolicyMetrics metrics, TimeProvider time, ILogger<PolicyReloader> logger)
{
    private string? _knownTag;

    public async Task PollAsync(CancellationToken cancellationToken)
    {
        if (await source.ReadIfChangedAsync(_knownTag, cancellationToken).ConfigureAwait(false) is not { } snapshot)
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The policy document in {Source} was refused; {Version} stays in force. {Errors}")]
    private static partial void LogRefused(ILogger logger, string source, string version, string errors);
}
