using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ConsentGateway.Bicep.Tests;

/// <summary>
/// The Bicep CLI of the NuGet package <c>Azure.Bicep.CommandLine.linux-x64</c>, run from the package
/// folder (the project references it with <c>GeneratePathProperty</c> and copies nothing).
/// </summary>
internal static class Bicep
{
    private static readonly Lazy<string> Executable = new(Locate);
    private static readonly ConcurrentDictionary<string, Lazy<BicepResult>> Builds = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, Lazy<BicepSnapshot>> Snapshots = new(StringComparer.Ordinal);

    /// <summary>The <c>infra</c> folder of the repository.</summary>
    public static string InfraDirectory { get; } = Metadata("InfraDirectory") is { Length: > 0 } infra && Directory.Exists(infra)
        ? infra
        : throw new InvalidOperationException("The infra folder was not found (assembly metadata InfraDirectory).");

    /// <summary>Every .bicep file under infra, relative to it.</summary>
    public static IReadOnlyList<string> Files() =>
        [.. Directory.EnumerateFiles(InfraDirectory, "*.bicep", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(InfraDirectory, path))
            .Order(StringComparer.Ordinal)];

    /// <summary><c>bicep build FILE --stdout</c>, once per file for the whole test run.</summary>
    public static BicepResult Build(string relativePath) =>
        Builds.GetOrAdd(relativePath, path => new Lazy<BicepResult>(() => Run("build", Path.Combine(InfraDirectory, path), "--stdout"))).Value;

    /// <summary><c>bicep lint FILE</c>.</summary>
    public static BicepResult Lint(string relativePath) => Run("lint", Path.Combine(InfraDirectory, relativePath));

    /// <summary><c>bicep --version</c>.</summary>
    public static BicepResult Version() => Run("--version");

    /// <summary>
    /// The compiled ARM template of infra/main.bicep; fails the test if the build failed. Warnings are
    /// failed by the build test, not here, so that a warning does not hide what the template says.
    /// </summary>
    public static JsonObject CompileMain()
    {
        var result = Build("main.bicep");
        Assert.True(result.ExitCode == 0, $"bicep build main.bicep failed:\n{result}");
        return JsonNode.Parse(result.StandardOutput)?.AsObject() ?? throw new InvalidOperationException("bicep build printed no template.");
    }

    /// <summary>
    /// infra/main.bicep evaluated by the ARM template engine the Bicep CLI carries
    /// (<c>bicep snapshot</c>, nothing deployed or contacted): every module expanded and every
    /// expression that needs no deployed resource computed, with the required JWT parameters and
    /// the given <c>.bicepparam</c> lines (e.g. <c>param proxies = [...]</c>). Once per distinct lines.
    /// </summary>
    public static BicepSnapshot Snapshot(string parameterLines = "") =>
        Snapshots.GetOrAdd(parameterLines, lines => new Lazy<BicepSnapshot>(() => RunSnapshot(lines))).Value;

    private static BicepSnapshot RunSnapshot(string parameterLines)
    {
        var directory = Directory.CreateTempSubdirectory("consent-infra-snapshot-");
        try
        {
            // `using` takes a relative path only.
            var main = Path.GetRelativePath(directory.FullName, Path.Combine(InfraDirectory, "main.bicep")).Replace('\\', '/');
            var parameters = Path.Combine(directory.FullName, "deployment.bicepparam");
            File.WriteAllText(parameters, $"""
                using '{main}'
                param authIssuer = 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0'
                param authAudience = 'api://consent-gateway'
                param authAuthority = 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0'
                {parameterLines}

                """);
            var result = Run(
                "snapshot", parameters, "--mode", "overwrite",
                "--subscription-id", "00000000-0000-0000-0000-000000000001",
                "--resource-group", "consent-gateway-test",
                "--location", "westeurope",
                "--deployment-name", "consent-gateway-test");
            var snapshot = Path.Combine(directory.FullName, "deployment.snapshot.json");
            var json = result.ExitCode == 0 && File.Exists(snapshot) ? JsonNode.Parse(File.ReadAllText(snapshot))?.AsObject() : null;
            return new BicepSnapshot(result, json);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static BicepResult Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable.Value)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = InfraDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // No usage telemetry from a test run.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within 3 minutes.");
        }

        return new BicepResult(string.Join(' ', arguments), process.ExitCode, output.Result, error.Result);
    }

    private static string Locate()
    {
        var packageRoot = Metadata("BicepPackageRoot");
        if (string.IsNullOrEmpty(packageRoot) || !Directory.Exists(packageRoot))
        {
            throw new InvalidOperationException($"The Azure.Bicep.CommandLine.linux-x64 package folder was not found ('{packageRoot}'): restore the test project.");
        }

        var executable = Path.Combine(packageRoot, "tools", "bicep");
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"The package holds no bicep binary at {executable}.");
        }

        // NuGet does not always keep the run bit when it extracts a package (the package is linux-x64 only).
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The Bicep CLI package referenced here is the linux-x64 one.");
        }

        var mode = File.GetUnixFileMode(executable);
        const UnixFileMode Execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        if ((mode & UnixFileMode.UserExecute) == 0)
        {
            File.SetUnixFileMode(executable, mode | Execute);
        }

        return executable;
    }

    private static string? Metadata(string key) =>
        typeof(Bicep).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;
}

/// <summary>What one bicep command printed; <see cref="Diagnostics"/> are its error, warning and info lines.</summary>
internal sealed partial record BicepResult(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    // path(line,col) : Error|Warning|Info CODE: message
    [GeneratedRegex(@"^.*\(\d+,\d+\)\s*:\s*(Error|Warning|Info)\s+\S+", RegexOptions.Multiline)]
    private static partial Regex DiagnosticLine();

    public IReadOnlyList<string> Diagnostics { get; } =
        [.. DiagnosticLine().Matches(StandardError + "\n" + (Command.StartsWith("build", StringComparison.Ordinal) ? "" : StandardOutput)).Select(m => m.Value.Trim())];

    public override string ToString() =>
        $"bicep {Command} exited with {ExitCode}\n--- stderr ---\n{StandardError}\n--- stdout ---\n{(StandardOutput.Length > 4000 ? StandardOutput[..4000] + "…" : StandardOutput)}";
}

/// <summary>What <c>bicep snapshot</c> printed and, when it succeeded, the snapshot it wrote.</summary>
internal sealed record BicepSnapshot(BicepResult Result, JsonObject? Json)
{
    /// <summary>The snapshot; fails the test if the template did not evaluate.</summary>
    public JsonObject Evaluated => Json ?? throw new Xunit.Sdk.XunitException($"The template did not evaluate:\n{Result}");

    /// <summary>The Function App's app settings, evaluated, in order.</summary>
    public IReadOnlyList<(string Name, string? Value)> AppSettings()
    {
        var sites = Evaluated["predictedResources"]!.AsArray().OfType<JsonObject>()
            .Where(r => string.Equals(r["type"]?.ToString(), "Microsoft.Web/sites", StringComparison.OrdinalIgnoreCase))
            .ToList();
        var site = Assert.Single(sites);
        var settings = Assert.IsType<JsonArray>(site["properties"]?["siteConfig"]?["appSettings"]);
        return [.. settings.Select(s => (s!["name"]!.GetValue<string>(), s["value"]?.ToString()))];
    }
}
