using System.Buffers;
using Microsoft.Extensions.Options;

namespace ConsentGateway.EgressProxy;

/// <summary>
/// Checks the proxy's settings at start, each message naming the full key: the limits, and that
/// the YARP routes (section <c>ReverseProxy:Routes</c>) and the rules name the same route ids, so
/// no route forwards without a rule. Each rule itself is checked as it is compiled (<see cref="ConsentRoutes"/>).
/// </summary>
internal sealed class ConsentProxyOptionsValidator(IConfiguration configuration) : IValidateOptions<ConsentProxyOptions>
{
    public const long MaxBodyLimit = 64 * 1024 * 1024;

    private static readonly TimeSpan MaxPolicyReadTimeout = TimeSpan.FromMinutes(10);

    private static readonly SearchValues<char> FieldNameCharacters =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    public ValidateOptionsResult Validate(string? name, ConsentProxyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxBodyBytes is < 1 or > MaxBodyLimit)
        {
            failures.Add($"{ConsentProxyOptions.SectionName}:{nameof(options.MaxBodyBytes)} must be between 1 and {MaxBodyLimit}.");
        }

        if (options.PolicyReadTimeout <= TimeSpan.Zero || options.PolicyReadTimeout > MaxPolicyReadTimeout)
        {
            failures.Add($"{ConsentProxyOptions.SectionName}:{nameof(options.PolicyReadTimeout)} must be more than 0 and at most {MaxPolicyReadTimeout}.");
        }

        // An HTTP field name: a token (RFC 9110 §5.1), so that a typo fails here, not on each request.
        if (string.IsNullOrEmpty(options.ConsistencyTokenHeader) || options.ConsistencyTokenHeader.AsSpan().ContainsAnyExcept(FieldNameCharacters))
        {
            failures.Add($"{ConsentProxyOptions.SectionName}:{nameof(options.ConsistencyTokenHeader)} must be a header name (letters, digits and !#$%&'*+-.^_`|~).");
        }

        var proxyRoutes = configuration.GetSection("ReverseProxy:Routes").GetChildren().Select(route => route.Key).ToList();
        if (proxyRoutes.Count == 0)
        {
            failures.Add("ReverseProxy:Routes names no route: nothing would be forwarded.");
        }

        failures.AddRange(proxyRoutes.Where(route => !options.Routes.ContainsKey(route))
            .Select(route => $"ReverseProxy:Routes:{route} has no consent rule: add {ConsentProxyOptions.SectionName}:Routes:{route}."));
        failures.AddRange(options.Routes.Keys.Where(route => !proxyRoutes.Contains(route, StringComparer.Ordinal))
            .Select(route => $"{ConsentProxyOptions.SectionName}:Routes:{route} names no route of ReverseProxy:Routes."));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
