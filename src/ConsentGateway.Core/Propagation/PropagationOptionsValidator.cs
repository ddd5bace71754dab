using Microsoft.Extensions.Options;

namespace ConsentGateway.Core.Propagation;

/// <summary>Checks <see cref="PropagationOptions"/> at start; every message names the setting at fault.</summary>
internal sealed class PropagationOptionsValidator : IValidateOptions<PropagationOptions>
{
    public ValidateOptionsResult Validate(string? name, PropagationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new ValidateOptionsResultBuilder();
        if (options.StalenessBound < TimeSpan.FromMilliseconds(100) || options.StalenessBound > TimeSpan.FromHours(1))
        {
            errors.AddError($"{PropagationOptions.SectionName}:StalenessBound must be between 100 ms and 1 h.");
        }

        if (options.RepairDelay is { } delay && (delay <= TimeSpan.Zero || delay > options.StalenessBound))
        {
            errors.AddError($"{PropagationOptions.SectionName}:RepairDelay must be positive and at most the staleness bound.");
        }

        if (options.MaxDeliveryCount is < 1 or > 100)
        {
            errors.AddError($"{PropagationOptions.SectionName}:MaxDeliveryCount must be between 1 and 100.");
        }

        if (options.Workers is < 1 or > 256)
        {
            errors.AddError($"{PropagationOptions.SectionName}:Workers must be between 1 and 256.");
        }

        return errors.Build();
    }
}
