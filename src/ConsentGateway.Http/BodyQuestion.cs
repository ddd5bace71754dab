using ConsentGateway.Core.Evaluation;

namespace ConsentGateway.Http;

/// <summary>One question read from a body, with the caller's id for its result.</summary>
public readonly record struct BodyQuestion(EvaluationQuestion Question, string? Id);
