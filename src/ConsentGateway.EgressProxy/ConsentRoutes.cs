using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ConsentGateway.EgressProxy;

/// <summary>The compiled consent rules, by YARP route id.</summary>
internal sealed class ConsentRoutes(IOptions<ConsentProxyOptions> options)
{
    private readonly Dictionary<string, ConsentRoute> _routes = Compile(options.Value);

    public bool TryGet(string routeId, [NotNullWhen(true)] out ConsentRoute? route) => _routes.TryGetValue(routeId, out route);

    private static Dictionary<string, ConsentRoute> Compile(ConsentProxyOptions options)
    {
        var failures = new List<string>();
        var routes = new Dictionary<string, ConsentRoute>(StringComparer.Ordinal);
        foreach (var (routeId, rule) in options.Routes)
        {
            if (ConsentRoute.Compile(routeId, rule, failures) is { } route)
            {
                routes.Add(routeId, route);
            }
        }

        return failures.Count == 0 ? routes : throw new OptionsValidationException(ConsentProxyOptions.SectionName, typeof(ConsentProxyOptions), failures);
    }
}

/// <summary>
/// Checks the rules at start: each compiles, and the YARP routes (section <c>ReverseProxy:Routes</c>)
/// and the rules name the same route ids, so no route forwards without a rule.
/// </summary>
internal sealed class ConsentProxyOptionsValidator(IConfiguration configuration) : IValidateOptions<ConsentProxyOptions>
{
    public const long MaxBodyLimit = 64 * 1024 * 1024;

    public ValidateOptionsResult Validate(string? name, ConsentProxyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxBodyBytes is < 1 or > MaxBodyLimit)
        {
            failures.Add($"{ConsentProxyOptions.SectionName}:MaxBodyBytes must be between 1 and {MaxBodyLimit}.");
        }

        foreach (var (routeId, rule) in options.Routes)
        {
            ConsentRoute.Compile(routeId, rule, failures);
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
