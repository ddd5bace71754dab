using ConsentGateway.Contracts;

namespace ConsentGateway.Client;

/// <summary>
/// Asks the consent gateway whether data may go to a partner. Fails closed: any failure to get a
/// valid answer (timeout, connection failure, non-2xx, malformed or unexpected reply, open circuit)
/// gives a deny result whose every requested item is denied with <c>GATEWAY_UNAVAILABLE</c>; when
/// the gateway refused the question as invalid (4xx), the result also carries its
/// <see cref="ConsentResult.GatewayRefusal"/>.
/// The only exception the evaluation methods throw for a failure is <see cref="OperationCanceledException"/>
/// when the caller's own <see cref="CancellationToken"/> is cancelled (and
/// <see cref="ArgumentNullException"/> for a null argument).
/// </summary>
public interface IConsentGatewayClient
{
    /// <summary>Evaluates one question (<c>POST /api/v1/evaluate</c>, or a micro-batch when enabled).</summary>
    Task<ConsentResult> EvaluateAsync(ConsentQuestion question, CancellationToken cancellationToken = default);

    /// <summary>Evaluates several questions in one call (<c>POST /api/v1/evaluate/batch</c>); results in the same order.</summary>
    Task<IReadOnlyList<ConsentResult>> EvaluateBatchAsync(IReadOnlyList<ConsentQuestion> questions, CancellationToken cancellationToken = default);

    /// <summary>Reads the policy in force (<c>GET /api/v1/policy</c>), every call anew: callers keep what they need of it.</summary>
    /// <exception cref="ConsentGatewayException">The policy could not be read; its <see cref="ConsentGatewayException.Refusal"/> says whether the gateway refused.</exception>
    Task<PolicyResponse> GetPolicyAsync(CancellationToken cancellationToken = default);
}
