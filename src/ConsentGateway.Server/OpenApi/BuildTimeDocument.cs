using System.Reflection;
using System.Security.Cryptography;

namespace ConsentGateway.Server.OpenApi;

/// <summary>
/// The run of the program that <c>Microsoft.Extensions.ApiDescription.Server</c> makes at build
/// time to write the OpenAPI document (its GetDocument.Insider tool starts the app and asks it for
/// the document): the app is configured to start without a signing key or a proxy, and without
/// its background work, so a build neither needs settings nor touches a store.
/// </summary>
internal static class BuildTimeDocument
{
    public static bool IsGenerating { get; } = Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider";

    /// <summary>Settings that let the app start: a throwaway signing key, quiet logs.</summary>
    public static string[] Arguments() =>
    [
        "--Consent:Auth:SigningKey", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        "--Logging:LogLevel:Default", "Warning",
    ];

    /// <summary>
    /// Keeps the framework's hosted services (the web host among them) and removes every other:
    /// the store's start-up, propagation, repair, telemetry export. Only the document is wanted.
    /// </summary>
    public static void WithoutBackgroundWork(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        foreach (var descriptor in services.Where(IsBackgroundWork).ToList())
        {
            services.Remove(descriptor);
        }
    }

    private static bool IsBackgroundWork(ServiceDescriptor descriptor) =>
        descriptor.ServiceType == typeof(IHostedService)
        && descriptor.ImplementationType?.Namespace?.StartsWith("Microsoft.", StringComparison.Ordinal) != true;
}
