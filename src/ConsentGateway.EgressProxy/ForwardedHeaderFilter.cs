using System.Net.Http.Headers;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace ConsentGateway.EgressProxy;

/// <summary>
/// The YARP request transform that drops, after YARP copied the caller's headers, every header
/// the route's <see cref="ForwardedHeaders"/> does not allow. A route without a rule keeps the
/// defaults only (it forwards nothing anyway: <see cref="ConsentEnforcement"/> refuses it).
/// </summary>
internal static class ForwardedHeaderFilter
{
    public static void Add(TransformBuilderContext context)
    {
        var routes = context.Services.GetRequiredService<ConsentRoutes>();
        var allowed = routes.TryGet(context.Route.RouteId, out var route) ? route.ForwardedHeaders : ForwardedHeaders.None;
        context.AddRequestTransform(transform =>
        {
            RemoveAllBut(transform.ProxyRequest.Headers, allowed);
            if (transform.ProxyRequest.Content is { } content)
            {
                RemoveAllBut(content.Headers, allowed);
            }

            return ValueTask.CompletedTask;
        });
    }

    private static void RemoveAllBut(HttpHeaders headers, ForwardedHeaders allowed)
    {
        foreach (var name in headers.Select(header => header.Key).Where(name => !allowed.Allows(name)).ToList())
        {
            headers.Remove(name);
        }
    }
}
