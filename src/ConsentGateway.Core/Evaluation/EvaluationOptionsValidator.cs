using ConsentGateway.Core.Propagation;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Core.Evaluation;

/// <summary>Checks <see cref="EvaluationOptions"/> at start, against the staleness bound they share with propagation.</summary>
internal sealed class EvaluationOptionsValidator(IOptions<PropagationOptions> propagation) : IValidateOptions<EvaluationOptions>
{
    public ValidateOptionsResult Validate(string? name, EvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new ValidateOptionsResultBuilder();
        if (options.DecisionBudget is { } budget && (budget <= TimeSpan.Zero || budget > propagation.Value.StalenessBound / 2))
        {
            errors.AddError($"{EvaluationOptions.SectionName}:DecisionBudget must be positive and at most half the staleness bound (Consent:Propagation:StalenessBound), which propagation needs the rest of.");
        }

        if (options.StoreTimeout < TimeSpan.FromMilliseconds(1) || options.StoreTimeout > TimeSpan.FromSeconds(10))
        {
            errors.AddError($"{EvaluationOptions.SectionName}:StoreTimeout must be between 1 ms and 10 s.");
        }

        if (options.MaxReadsPerLane is < 1 or > 1024)
        {
            errors.AddError($"{EvaluationOptions.SectionName}:MaxReadsPerLane must be between 1 and 1024.");
        }

        if (options.MaxCachedSubjects is < 1000 or > 100_000_000)
        {
            errors.AddError($"{EvaluationOptions.SectionName}:MaxCachedSubjects must be between 1,000 and 100,000,000.");
        }

        if (options.SubjectHashKey is { Length: < 16 })
        {
            errors.AddError($"{EvaluationOptions.SectionName}:SubjectHashKey must be at least 16 characters.");
        }

        return errors.Build();
    }
}
