
namespace ConsentGateway.Core.Evaluation;

/// <summary>The outcome of reading one subject id from the store.</summary>
public enum LookupStatus
{
    /// <summary>The request did not name this id.</summary>
    NotRequested,
    Found,
    NotFound,

    /// <summary>The store could not be read fresh enough: fail closed.</summary>
    Unavailable,

    /// <summary>A device linked to more accounts than the limit: fail closed rather than decide from some of them.</summary>
    TooManyLinkedAccounts,
}
