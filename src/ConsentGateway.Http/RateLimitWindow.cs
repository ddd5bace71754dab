namespace ConsentGateway.Http;

/// <summary>A fixed window: at most <see cref="PermitLimit"/> requests per <see cref="Window"/> for one partition.</summary>
public sealed class RateLimitWindow
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(1);
}
