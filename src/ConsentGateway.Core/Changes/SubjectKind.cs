namespace ConsentGateway.Core.Changes;

/// <summary>The two kinds of projection row, each keyed by its own id.</summary>
public enum SubjectKind
{
    /// <summary>An account row, keyed by user id.</summary>
    Account,

    /// <summary>A device row, keyed by advertising id.</summary>
    Device,
}
