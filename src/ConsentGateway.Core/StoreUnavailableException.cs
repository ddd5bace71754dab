namespace ConsentGateway.Core;

/// <summary>
/// The store could not be reached or did not answer in time (connection refused or dropped,
/// timeout, 408, 5xx after the client's retries): the one signal every store adapter gives
/// for an outage, whatever its SDK throws. A write that gets it was not acknowledged; it may
/// or may not have landed, and its intent stays for repair. The HTTP layer answers 503
/// <c>store-unavailable</c> with <c>Retry-After</c>. Its message names no key.
/// </summary>
public sealed class StoreUnavailableException : Exception
{
    public StoreUnavailableException()
        : base("The store could not be reached.")
    {
    }

    public StoreUnavailableException(string message)
        : base(message)
    {
    }

    public StoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
