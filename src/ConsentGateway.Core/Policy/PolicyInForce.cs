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

    public CompiledPolicy Current => Volatile.Read(ref _current);

    /// <summary>The last candidate refused since the policy in force was last confirmed or switched, or <c>null</c>.</summary>
    public PolicyRefusal? Refused => Volatile.Read(ref _refused);

    public void SwitchTo(CompiledPolicy next)
    {
        ArgumentNullException.ThrowIfNull(next);
        Volatile.Write(ref _current, next);
        Volatile.Write(ref _refused, null);
    }

    /// <summary>The source holds the document in force again: nothing is refused any more.</summary>
    public void Confirm() => Volatile.Write(ref _refused, null);

    public void Refuse(PolicyRefusal refusal) => Volatile.Write(ref _refused, refusal ?? throw new ArgumentNullException(nameof(refusal)));
}
