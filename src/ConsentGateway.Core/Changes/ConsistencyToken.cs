namespace ConsentGateway.Core.Changes;

/// <summary>
/// A write, as a caller passes it back to ask for an answer at least as fresh (SPEC §4,
/// read-your-writes): the subject it changed and the version it gave that subject.
/// </summary>
public sealed class ConsistencyToken(SubjectKind kind, SubjectVersion version, Func<string, bool> namesSubject)
{
    /// <summary>The version a decision must read of this subject, or <c>null</c> when the token is about another one.</summary>
    public SubjectVersion? DemandFor(SubjectKind subjectKind, string subjectId) =>
        subjectKind == kind && namesSubject(subjectId) ? version : null;
}
