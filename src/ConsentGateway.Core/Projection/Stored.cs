
namespace ConsentGateway.Core.Projection;

/// <summary>A projection row as read, with the store's concurrency token.</summary>
public sealed record Stored<T>(T Value, string ConcurrencyToken);
