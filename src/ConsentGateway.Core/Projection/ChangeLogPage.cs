namespace ConsentGateway.Core.Projection;

/// <summary>
/// What one read of the <see cref="IChangeLog"/> found, oldest first, and where to read from next.
/// <see cref="HasMore"/>: the read stopped at its limit; read again from <see cref="Next"/> at once.
/// </summary>
public sealed record ChangeLogPage(IReadOnlyList<ProjectedChange> Changes, ChangeLogPosition Next, bool HasMore);
