using ConsentGateway.Core.Policy;

namespace ConsentGateway.Core.Evaluation;

/// <summary>
/// The answer to one <see cref="DecisionRequest"/>. A struct of bit sets and references to the
/// compiled policy, so producing one allocates nothing.
/// </summary>
public readonly record struct Decision
{
    internal Decision(
        CompiledPolicy policy,
        Partnership? partnership,
        DataSet allowed,
        DataSet partnerDenied,
        ReasonCode partnerDenyReason,
        DataSet subjectDenied,
        ReasonCode subjectDenyReason,
        DataSet neverShared,
        ReasonSet reasons,
        long? consentVersion)
    {
        Policy = policy;
        Partnership = partnership;
        Allowed = allowed;
        PartnerDenied = partnerDenied;
        PartnerDenyReason = partnerDenyReason;
        SubjectDenied = subjectDenied;
        SubjectDenyReason = subjectDenyReason;
        NeverSharedDenied = neverShared;
        Reasons = reasons;
        ConsentVersion = consentVersion;
    }

    public CompiledPolicy Policy { get; }

    public string PolicyVersion => Policy.Version;

    /// <summary>The partner's partnership; <c>null</c> for an unknown partner.</summary>
    public Partnership? Partnership { get; }

    public DataSet Allowed { get; }

    public DataSet Denied => PartnerDenied.Union(SubjectDenied).Union(NeverSharedDenied);

    /// <summary>Every reason on an item, plus the reasons of the subject's answer when it was asked.</summary>
    public ReasonSet Reasons { get; }

    /// <summary>The setting version that decided, when an account's setting did.</summary>
    public long? ConsentVersion { get; }

    public DecisionOutcome Outcome =>
        Denied.IsEmpty ? DecisionOutcome.Allow : Allowed.IsEmpty ? DecisionOutcome.Deny : DecisionOutcome.Partial;

    private DataSet PartnerDenied { get; }

    private ReasonCode PartnerDenyReason { get; }

    private DataSet SubjectDenied { get; }

    private ReasonCode SubjectDenyReason { get; }

    private DataSet NeverSharedDenied { get; }

    /// <summary>Why a denied item was denied.</summary>
    public ReasonCode ReasonDenied(int item) =>
        NeverSharedDenied.Contains(item) ? ReasonCode.NeverSharedData
        : PartnerDenied.Contains(item) ? PartnerDenyReason
        : SubjectDenied.Contains(item) ? SubjectDenyReason
        : throw new ArgumentOutOfRangeException(nameof(item), item, "The item was not denied.");
}
