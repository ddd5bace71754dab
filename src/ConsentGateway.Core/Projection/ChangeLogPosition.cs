namespace ConsentGateway.Core.Projection;

/// <summary>Where a reader of the <see cref="IChangeLog"/> is; what the number means is the log's own.</summary>
public readonly record struct ChangeLogPosition(long Value);
