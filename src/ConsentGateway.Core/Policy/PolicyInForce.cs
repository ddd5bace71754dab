namespace ConsentGateway.Core.Policy;

/// <summary>
/// The policy decisions, writes and answers use now. A switch replaces the whole compiled
/// document with one reference write, so a caller that reads <see cref="Current"/> once and uses
/// that for the whole operation never mixes two versions.
/// </summary>
public sealed class PolicyInForce(CompiledPolicy initial)
{
    private CompiledPolicy _current = initial ?? throw new ArgumentNullException(nameof(initial));
    private PolicyRefusal? _refused;
    private PolicySourceFault? _unreadable;

    public CompiledPolicy Current => Volatile.Read(ref _current);

    /// <summary>The last candidate refused since the policy in force was last confirmed or switched, or <c>null</c>.</summary>
    public PolicyRefusal? Refused => Volatile.Read(ref _refused);

    /// <summary>Since when, and why, the policy source cannot be read, or <c>null</c> while its last read answered.</summary>
    public PolicySourceFault? Unreadable => Volatile.Read(ref _unreadable);

    public void SwitchTo(CompiledPolicy next)
    {
        ArgumentNullException.ThrowIfNull(next);
        Volatile.Write(ref _current, next);
        Volatile.Write(ref _refused, null);
    }

    /// <summary>The source holds the document in force again: nothing is refused any more.</summary>
    public void Confirm() => Volatile.Write(ref _refused, null);

    public void Refuse(PolicyRefusal refusal) => Volatile.Write(ref _refused, refusal ?? throw new ArgumentNullException(nameof(refusal)));

    /// <summary>A read of the source failed: the policy in force stays; a fault already recorded keeps its <see cref="PolicySourceFault.Since"/>.</summary>
    public void SourceUnreadable(string source, DateTimeOffset at, string reason) =>
        Volatile.Write(ref _unreadable, new PolicySourceFault(source, Unreadable?.Since ?? at, reason));

    /// <summary>A read of the source answered (changed or not).</summary>
    public void SourceRead() => Volatile.Write(ref _unreadable, null);
}
