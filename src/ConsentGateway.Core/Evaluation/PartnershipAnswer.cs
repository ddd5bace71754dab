namespace ConsentGateway.Core.Evaluation;

/// <summary>What the subject's facts decide for a partnership's governed data (<see cref="PolicyEvaluator.EvaluatePartnership"/>).</summary>
/// <param name="Allowed">The data may go to the partnership's controllers and advertisers.</param>
/// <param name="Reasons">Why: the reasons of the answer (their <see cref="ReasonSet.First"/> is the one an evaluation names first).</param>
/// <param name="ConsentVersion">The setting version that decided, when an account's setting did.</param>
public readonly record struct PartnershipAnswer(bool Allowed, ReasonSet Reasons, long? ConsentVersion);
