using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace ConsentGateway.EgressProxy;

/// <summary>
/// The consent rules, compiled once when the proxy is built: a rule that does not compile stops
/// it with an <see cref="OptionsValidationException"/> naming each bad setting.
/// </summary>
internal sealed class ConsentRoutes(IOptions<ConsentProxyOptions> options)
{
    private readonly Dictionary<string, ConsentRoute> _routes = Compile(options.Value);

    public IReadOnlyCollection<ConsentRoute> All => _routes.Values;

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
