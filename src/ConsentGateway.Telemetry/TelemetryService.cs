using System.Reflection;

namespace ConsentGateway.Telemetry;

/// <summary>
/// What one host reports as: its OpenTelemetry resource (<c>service.name</c>, <c>service.version</c>)
/// and the meters and activity sources of its own code that are exported with the platform's.
/// </summary>
/// <param name="Name">The <c>service.name</c>, e.g. <c>consent-gateway</c>.</param>
/// <param name="Version">The <c>service.version</c>: the host assembly's informational version.</param>
public sealed record TelemetryService(string Name, string Version, IReadOnlyList<string> Meters, IReadOnlyList<string> ActivitySources)
{
    /// <summary>A service whose version is that of <paramref name="assembly"/> (its informational version, else its version).</summary>
    public static TelemetryService Of(string name, Assembly assembly, IReadOnlyList<string> meters, IReadOnlyList<string> activitySources)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "0.0.0";
        return new TelemetryService(name, version, meters, activitySources);
    }
}
