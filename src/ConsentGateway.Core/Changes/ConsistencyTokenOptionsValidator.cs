using Microsoft.Extensions.Options;

namespace ConsentGateway.Core.Changes;

/// <summary>Checks <see cref="ConsistencyTokenOptions"/> at start.</summary>
internal sealed class ConsistencyTokenOptionsValidator : IValidateOptions<ConsistencyTokenOptions>
{
    public const int MinKeyLength = 16;

    public ValidateOptionsResult Validate(string? name, ConsistencyTokenOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new ValidateOptionsResultBuilder();
        if (options.Key is { Length: < MinKeyLength })
        {
            errors.AddError($"{ConsistencyTokenOptions.SectionName}:Key must be at least {MinKeyLength} characters.");
        }

        if (options.PreviousKey is { Length: < MinKeyLength })
        {
            errors.AddError($"{ConsistencyTokenOptions.SectionName}:PreviousKey must be at least {MinKeyLength} characters.");
        }

        if (options.PreviousKey is not null && options.Key is null)
        {
            errors.AddError($"{ConsistencyTokenOptions.SectionName}:PreviousKey is only read while rotating to a new {ConsistencyTokenOptions.SectionName}:Key: set that too.");
        }

        return errors.Build();
    }
}
