namespace ConsentGateway.Http;

/// <summary>
/// Endpoint metadata: a header the answer of <paramref name="StatusCode"/> carries (always, unless
/// <paramref name="Required"/> is false). Typed results say the status and body but not headers,
/// so the self-host's OpenAPI document reads them from here.
/// </summary>
public sealed record ResponseHeader(int StatusCode, string Name, string Description, bool Required = true);
