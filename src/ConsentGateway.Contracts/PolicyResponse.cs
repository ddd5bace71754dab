using System.Text.Json;

namespace ConsentGateway.Contracts;

/// <summary>
/// The answer of <c>GET /api/v1/policy</c>: the version of the policy in force and its document
/// (partnerships, partners, regions, data items, never-shared list, cut-off, defaults).
/// </summary>
public sealed record PolicyResponse(string PolicyVersion, JsonElement Document);
