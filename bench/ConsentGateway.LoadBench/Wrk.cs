using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ConsentGateway.LoadBench;

/// <summary>What one wrk run measured.</summary>
internal sealed record WrkResult(double RequestsPerSecond, double P50Ms, double P90Ms, double P99Ms, long Non2xx3xx, long SocketErrors)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{RequestsPerSecond,9:F0} req/s  p50 {P50Ms,6:F2} ms  p99 {P99Ms,6:F2} ms  non-2xx/3xx {Non2xx3xx}  socket errors {SocketErrors}");
}

/// <summary>Runs Debian's <c>wrk</c> with a Lua script and reads its summary (<c>--latency</c> percentiles).</summary>
internal static partial class Wrk
{
    public static async Task<WrkResult> RunAsync(string url, string script, int threads, int connections, TimeSpan duration)
    {
        var start = new ProcessStartInfo("wrk")
        {
            ArgumentList = { "-t", threads.ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture), "-d", $"{(int)duration.TotalSeconds}s", "--latency", "-s", script, url },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var wrk = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start: install it with apt-get install -y wrk.");
        var output = await wrk.StandardOutput.ReadToEndAsync();
        var errors = await wrk.StandardError.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        if (wrk.ExitCode != 0 || RequestsPerSecond().Match(output) is not { Success: true } rps)
        {
            throw new InvalidOperationException($"wrk failed ({wrk.ExitCode}): {output}{errors}");
        }

        return new WrkResult(
            double.Parse(rps.Groups[1].Value, CultureInfo.InvariantCulture),
            Percentile(output, "50%"),
            Percentile(output, "90%"),
            Percentile(output, "99%"),
            Count(NonSuccess(), output),
            SocketErrors().Matches(output).Sum(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)));
    }

    /// <summary>Writes a Lua script for <c>wrk -s</c> to a temporary file; returns its path.</summary>
    public static async Task<string> ScriptAsync(string lua)
    {
        var path = Path.Combine(Path.GetTempPath(), $"consent-bench-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(path, lua);
        return path;
    }

    private static double Percentile(string output, string label)
    {
        var match = Regex.Match(output, $@"^\s+{Regex.Escape(label)}\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        if (!match.Success)
        {
            throw new InvalidOperationException($"wrk printed no {label} latency: {output}");
        }

        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    private static long Count(Regex pattern, string output) =>
        pattern.Match(output) is { Success: true } match ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;

    [GeneratedRegex(@"^Requests/sec:\s+([\d.]+)", RegexOptions.Multiline)]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();

    [GeneratedRegex(@"(?:connect|read|write|timeout) (\d+)")]
    private static partial Regex SocketErrors();
}
