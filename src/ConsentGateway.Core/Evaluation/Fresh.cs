namespace ConsentGateway.Core.Evaluation;

/// <summary>
/// A subject as read for a decision, and up to when (a <see cref="TimeProvider"/> timestamp) it
/// is known to reflect every change: when its read began, or later when changes were followed since.
/// </summary>
public readonly record struct Fresh<T>(T Value, long FreshAsOf);
