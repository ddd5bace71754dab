using Microsoft.Extensions.Options;

namespace ConsentGateway.Client;

/// <summary>Options of the consent gateway client; validated when the host starts.</summary>
public sealed class ConsentGatewayClientOptions
{
    /// <summary>Where the gateway is, e.g. <c>https://consent.internal/</c>. Required.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The proxy key sent as <c>X-Consent-Key</c>. Required.</summary>
    public string? ProxyKey { get; set; }

    /// <summary>Total time for one call, retries included. Default 200 ms.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Retries on transient failures (5xx, 408, 429, connection failures, attempt timeouts). Default 1, at most 5.</summary>
    public int Retries { get; set; } = 1;

    /// <summary>Cache answers for their <c>ttlSeconds</c>. On by default.</summary>
    public bool CacheEnabled { get; set; } = true;

    /// <summary>Most answers kept in the cache. Default 10,000.</summary>
    public int CacheMaxEntries { get; set; } = 10_000;

    /// <summary>Send single calls made close together as one <c>/evaluate/batch</c> call. Off by default.</summary>
    public bool MicroBatchingEnabled { get; set; }

    /// <summary>Most questions in one micro-batch (1–1,000). Default 100.</summary>
    public int MicroBatchMaxSize { get; set; } = 100;

    /// <summary>Longest a single call waits for others to join its micro-batch. Default 2 ms, at most 1 s.</summary>
    public TimeSpan MicroBatchMaxDelay { get; set; } = TimeSpan.FromMilliseconds(2);
}

internal sealed class ConsentGatewayClientOptionsValidator : IValidateOptions<ConsentGatewayClientOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsentGatewayClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string Prefix = nameof(ConsentGatewayClientOptions) + ".";
        if (options.BaseAddress is not { IsAbsoluteUri: true } address
            || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add(Prefix + nameof(options.BaseAddress) + " must be an absolute http or https address of the gateway.");
        }

        if (string.IsNullOrWhiteSpace(options.ProxyKey))
        {
            failures.Add(Prefix + nameof(options.ProxyKey) + " is required (the key sent as X-Consent-Key).");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromSeconds(30))
        {
            failures.Add(Prefix + nameof(options.Timeout) + " must be more than 0 and at most 30 seconds.");
        }

        if (options.Retries is < 0 or > 5)
        {
            failures.Add(Prefix + nameof(options.Retries) + " must be between 0 and 5.");
        }

        if (options.CacheEnabled && options.CacheMaxEntries < 1)
        {
            failures.Add(Prefix + nameof(options.CacheMaxEntries) + " must be at least 1 when the cache is enabled.");
        }

        if (options.MicroBatchingEnabled)
        {
            if (options.MicroBatchMaxSize is < 1 or > 1000)
            {
                failures.Add(Prefix + nameof(options.MicroBatchMaxSize) + " must be between 1 and 1000.");
            }

            if (options.MicroBatchMaxDelay <= TimeSpan.Zero || options.MicroBatchMaxDelay > TimeSpan.FromSeconds(1))
            {
                failures.Add(Prefix + nameof(options.MicroBatchMaxDelay) + " must be more than 0 and at most 1 second.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
