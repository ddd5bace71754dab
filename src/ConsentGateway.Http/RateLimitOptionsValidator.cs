using Microsoft.Extensions.Options;

namespace ConsentGateway.Http;

/// <summary>Checks <see cref="RateLimitOptions"/> at start; every message names the setting at fault.</summary>
internal sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    /// <summary>A longer window would keep a refused source out for longer than anyone waits for a <c>Retry-After</c>.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new ValidateOptionsResultBuilder();
        Check(errors, nameof(RateLimitOptions.Proxy), options.Proxy);
        Check(errors, nameof(RateLimitOptions.Caller), options.Caller);
        Check(errors, nameof(RateLimitOptions.FailedAuthentication), options.FailedAuthentication);
        return errors.Build();
    }

    private static void Check(ValidateOptionsResultBuilder errors, string name, RateLimitWindow? window)
    {
        var setting = $"{RateLimitOptions.SectionName}:{name}";
        if (window is null)
        {
            errors.AddError($"{setting} is required.");
            return;
        }

        if (window.PermitLimit < 1)
        {
            errors.AddError($"{setting}:PermitLimit must be at least 1 (set {RateLimitOptions.SectionName}:Enabled to false to limit nothing).");
        }

        if (window.Window < TimeSpan.FromMilliseconds(1) || window.Window > MaxWindow)
        {
            errors.AddError($"{setting}:Window must be between 00:00:00.001 and {MaxWindow:c}.");
        }
    }
}
