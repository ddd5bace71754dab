namespace ConsentGateway.Client;

/// <summary>Options of the consent gateway client; validated when the host starts.</summary>
public sealed class ConsentGatewayClientOptions
{
    /// <summary>The configuration section the redacting proxy binds, and the one to use by convention.</summary>
    public const string SectionName = "ConsentGateway";

    /// <summary>Where the gateway is, e.g. <c>https://consent.internal/</c>. Required.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The proxy key sent as <c>X-Consent-Key</c> (<c>ConsentGateway.Contracts.ConsentHeaders.Key</c>). Required.</summary>
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
