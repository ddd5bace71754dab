using ConsentGateway.Contracts;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Client;

/// <summary>
/// Checks the client's options at start. Each message names the option and, when the options were
/// bound from configuration, its full key: <c>ConsentGatewayClientOptions.ProxyKey is required … Setting: ConsentGateway:ProxyKey.</c>
/// </summary>
/// <param name="sectionPath">The configuration section the options were bound from, or null when set in code.</param>
internal sealed class ConsentGatewayClientOptionsValidator(string? sectionPath) : IValidateOptions<ConsentGatewayClientOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsentGatewayClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void Fail(string option, string rule) =>
            failures.Add($"{nameof(ConsentGatewayClientOptions)}.{option} {rule}{(sectionPath is null ? "" : $" Setting: {sectionPath}:{option}.")}");

        if (options.BaseAddress is not { IsAbsoluteUri: true } address
            || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            Fail(nameof(options.BaseAddress), "must be an absolute http or https address of the gateway.");
        }

        if (string.IsNullOrWhiteSpace(options.ProxyKey))
        {
            Fail(nameof(options.ProxyKey), $"is required (the key sent as {ConsentHeaders.Key}).");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromSeconds(30))
        {
            Fail(nameof(options.Timeout), "must be more than 0 and at most 30 seconds.");
        }

        if (options.Retries is < 0 or > 5)
        {
            Fail(nameof(options.Retries), "must be between 0 and 5.");
        }

        if (options.CacheEnabled && options.CacheMaxEntries < 1)
        {
            Fail(nameof(options.CacheMaxEntries), "must be at least 1 when the cache is enabled.");
        }

        if (options.MicroBatchingEnabled)
        {
            if (options.MicroBatchMaxSize is < 1 or > 1000)
            {
                Fail(nameof(options.MicroBatchMaxSize), "must be between 1 and 1000.");
            }

            if (options.MicroBatchMaxDelay <= TimeSpan.Zero || options.MicroBatchMaxDelay > TimeSpan.FromSeconds(1))
            {
                Fail(nameof(options.MicroBatchMaxDelay), "must be more than 0 and at most 1 second.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
