using ConsentGateway.Core.Changes;

namespace ConsentGateway.Core.Projection;

/// <summary>A projection row that was written: which subject, and the version it now has.</summary>
public readonly record struct ProjectedChange(SubjectKind Kind, string SubjectId, SubjectVersion Version);
