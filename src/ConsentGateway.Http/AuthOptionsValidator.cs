using System.Text;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Http;

/// <summary>Checks <see cref="AuthOptions"/> at start; every message names the setting at fault.</summary>
internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = Problems(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static IEnumerable<string> Problems(AuthOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            yield return $"{AuthOptions.SectionName}:Issuer is required.";
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            yield return $"{AuthOptions.SectionName}:Audience is required.";
        }

        var hasAuthority = !string.IsNullOrWhiteSpace(options.Authority);
        var hasKey = !string.IsNullOrEmpty(options.SigningKey);
        if (hasAuthority == hasKey)
        {
            yield return $"Exactly one of {AuthOptions.SectionName}:Authority and {AuthOptions.SectionName}:SigningKey must be set.";
        }

        if (hasAuthority && !Uri.TryCreate(options.Authority, UriKind.Absolute, out _))
        {
            yield return $"{AuthOptions.SectionName}:Authority must be an absolute URI.";
        }

        if (hasKey && Encoding.UTF8.GetByteCount(options.SigningKey!) < AuthOptions.MinSigningKeyBytes)
        {
            yield return $"{AuthOptions.SectionName}:SigningKey must be at least {AuthOptions.MinSigningKeyBytes} bytes (UTF-8).";
        }
    }
}
