namespace ConsentGateway.Core.Evaluation;

/// <summary>A value read from the projection, and when the read began (a <see cref="TimeProvider"/> timestamp).</summary>
public readonly record struct Fresh<T>(T Value, long ReadAt);
