namespace ConsentGateway.Client;

/// <summary>
/// The gateway could not give what was asked of it (<see cref="IConsentGatewayClient.GetPolicyAsync"/>):
/// it refused (<see cref="Refusal"/>), or could not be asked or gave no usable answer (no refusal).
/// Evaluations never throw it: they fail closed instead.
/// </summary>
public sealed class ConsentGatewayException : Exception
{
    public ConsentGatewayException()
    {
    }

    public ConsentGatewayException(string message)
        : base(message)
    {
    }

    public ConsentGatewayException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public ConsentGatewayException(string message, GatewayRefusal refusal)
        : base(message) => Refusal = refusal;

    /// <summary>Set when the gateway answered and refused; null when it could not be asked.</summary>
    public GatewayRefusal? Refusal { get; }
}
