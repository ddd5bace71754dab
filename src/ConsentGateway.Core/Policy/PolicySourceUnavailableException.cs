namespace ConsentGateway.Core.Policy;

/// <summary>
/// The policy source could not be read at all (a missing file or blob, no permission, a store
/// that does not answer): the one signal every <see cref="IPolicyDocumentSource"/> gives for it,
/// whatever its I/O throws. The policy in force stays; the next poll tries again. Its message
/// says what failed in words fit for a log (no keys, no query strings).
/// </summary>
public sealed class PolicySourceUnavailableException : Exception
{
    public PolicySourceUnavailableException()
        : base("The policy source could not be read.")
    {
    }

    public PolicySourceUnavailableException(string message)
        : base(message)
    {
    }

    public PolicySourceUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
