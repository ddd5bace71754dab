using System.Text;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Http;

/// <summary>Checks <see cref="AuthOptions"/> at start; every message names the setting at fault.</summary>
internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new ValidateOptionsResultBuilder();
        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            errors.AddError($"{AuthOptions.SectionName}:Issuer is required.");
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            errors.AddError($"{AuthOptions.SectionName}:Audience is required.");
        }

        var hasAuthority = !string.IsNullOrWhiteSpace(options.Authority);
        var hasKey = !string.IsNullOrEmpty(options.SigningKey);
        if (hasAuthority == hasKey)
        {
            errors.AddError($"Exactly one of {AuthOptions.SectionName}:Authority and {AuthOptions.SectionName}:SigningKey must be set.");
        }

        if (hasAuthority && !Uri.TryCreate(options.Authority, UriKind.Absolute, out _))
        {
            errors.AddError($"{AuthOptions.SectionName}:Authority must be an absolute URI.");
        }

        if (hasKey && Encoding.UTF8.GetByteCount(options.SigningKey!) < AuthOptions.MinSigningKeyBytes)
        {
            errors.AddError($"{AuthOptions.SectionName}:SigningKey must be at least {AuthOptions.MinSigningKeyBytes} bytes (UTF-8).");
        }

        return errors.Build();
    }
}
