
namespace ConsentGateway.Core.Evaluation;

public enum DecisionOutcome
{
    Allow,
    Partial,
    Deny,
}
