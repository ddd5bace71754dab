namespace ConsentGateway.Core;

/// <summary>What kind of failure a use case reports; the HTTP layer maps each to one status code.</summary>
public enum FailureKind
{
    /// <summary>The input breaks a rule (400).</summary>
    Invalid,

    /// <summary>The account or device does not exist (404).</summary>
    NotFound,

    /// <summary>The caller's <c>If-Match</c> version is no longer current (412).</summary>
    PreconditionFailed,

    /// <summary>Concurrent writers kept winning; nothing was written, the caller may retry (409).</summary>
    Conflict,

    /// <summary>The store could not be reached in time; nothing was acknowledged, the caller may retry (503).</summary>
    Unavailable,
}
