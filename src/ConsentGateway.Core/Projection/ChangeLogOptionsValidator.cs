using Microsoft.Extensions.Options;

namespace ConsentGateway.Core.Projection;

/// <summary>Checks <see cref="ChangeLogOptions"/> at start.</summary>
internal sealed class ChangeLogOptionsValidator : IValidateOptions<ChangeLogOptions>
{
    public ValidateOptionsResult Validate(string? name, ChangeLogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new ValidateOptionsResultBuilder();
        if (options.PollInterval < TimeSpan.FromMilliseconds(10) || options.PollInterval > TimeSpan.FromMinutes(1))
        {
            errors.AddError($"{ChangeLogOptions.SectionName}:PollInterval must be between 10 ms and 1 min.");
        }

        if (options.Retention < TimeSpan.FromMinutes(1) || options.Retention > TimeSpan.FromDays(7))
        {
            errors.AddError($"{ChangeLogOptions.SectionName}:Retention must be between 1 min and 7 days.");
        }

        if (options.MaxClockSkew < TimeSpan.Zero || options.MaxClockSkew > TimeSpan.FromMinutes(1))
        {
            errors.AddError($"{ChangeLogOptions.SectionName}:MaxClockSkew must be between 0 and 1 min.");
        }

        return errors.Build();
    }
}
