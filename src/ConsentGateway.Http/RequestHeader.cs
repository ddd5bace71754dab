namespace ConsentGateway.Http;

/// <summary>
/// Endpoint metadata: a request header the handler reads by hand (ASP.NET Core cannot infer it),
/// so the self-host's OpenAPI document can describe it; <paramref name="Pattern"/> is an ECMA-262
/// regular expression a valid value matches.
/// </summary>
public sealed record RequestHeader(string Name, string Description, string? Pattern = null, string? Example = null);
