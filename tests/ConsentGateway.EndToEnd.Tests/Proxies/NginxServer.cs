using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using ConsentGateway.Testing;
using Xunit.Abstractions;

namespace ConsentGateway.EndToEnd.Tests.Proxies;

/// <summary>
/// The shipped egress configuration (deploy/nginx: nginx.conf, consent/route.conf and
/// consent/egress.conf.template, rendered here as render.sh would) run by a real nginx on a
/// free loopback port, as a child process with its own prefix directory (temp, cache, logs).
/// Every partner route points at one stub partner, under /google/, /facebook/ and
/// /example-advertiser/. The process tree is killed on dispose; the error log is written to
/// the test's output then, and is part of the message when nginx does not start.
/// </summary>
public sealed partial class NginxServer : IAsyncDisposable
{
    /// <summary>Where Debian's package installs nginx (it need not be on PATH).</summary>
    public const string DebianBinary = "/usr/sbin/nginx";

    public const string GoogleRoute = "/partners/google/";
    public const string FacebookRoute = "/partners/facebook/";

    /// <summary>The template's example of partnership B: partner example-advertiser via example-processor.</summary>
    public const string ExampleAdvertiserRoute = "/partners/example-advertiser/";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private const int PortAttempts = 3;

    private readonly ITestOutputHelper? _output;
    private readonly DirectoryInfo _prefix;
    private ChildProcess? _process;

    private NginxServer(ITestOutputHelper? output)
    {
        _output = output;
        _prefix = Directory.CreateTempSubdirectory("consent-nginx-");
    }

    public Uri BaseAddress { get; private set; } = null!;

    public string ErrorLogPath => Path.Combine(_prefix.FullName, "logs", "error.log");

    public static string Binary =>
        File.Exists(DebianBinary) ? DebianBinary
        : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "nginx")).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"nginx is not installed ({DebianBinary}, nor on PATH): `apt-get install -y nginx` (./test.sh does it when needed).");

    /// <summary>
    /// Renders and starts the shipped configuration against <paramref name="gateway"/> with
    /// <paramref name="proxyKey"/> as this proxy's key ("" renders an empty key) and every
    /// partner route pointing at <paramref name="partner"/>.
    /// </summary>
    public static async Task<NginxServer> StartAsync(Uri gateway, string proxyKey, RecordingServer partner, ITestOutputHelper? output = null)
    {
        var nginx = new NginxServer(output);
        try
        {
            await nginx.StartAsync(gateway, proxyKey, partner.BaseAddress);
            return nginx;
        }
        catch
        {
            await nginx.DisposeAsync();
            throw;
        }
    }

    public HttpClient Client() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>nginx's error log so far (empty when there is none).</summary>
    public string ErrorLog() => File.Exists(ErrorLogPath) ? File.ReadAllText(ErrorLogPath) : "";

    /// <summary>
    /// Sends one request the way an internal service would: to <paramref name="route"/> with the
    /// consent headers given (null = not sent), plus a unique <see cref="RecordingServer.MarkerHeader"/>
    /// to find it at the partner, and any <paramref name="extraHeaders"/>.
    /// </summary>
    public async Task<EgressAnswer> SendAsync(
        string route,
        string? user = null,
        string? device = null,
        string? data = "ip_address",
        string? country = null,
        IEnumerable<KeyValuePair<string, string>>? extraHeaders = null,
        HttpMethod? method = null,
        string? body = null)
    {
        using var client = Client();
        var marker = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(method ?? HttpMethod.Post, route + "events?source=e2e");
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        request.Headers.Add(RecordingServer.MarkerHeader, marker);
        foreach (var (name, value) in (IEnumerable<(string, string?)>)[("X-Consent-User", user), ("X-Consent-Device", device), ("X-Consent-Data", data), ("X-Consent-Country", country)])
        {
            if (value is not null)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        foreach (var (name, value) in extraHeaders ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(request);
        return new EgressAnswer(
            response.StatusCode,
            Header(response, "X-Consent-Decision"),
            Header(response, "X-Consent-Reason"),
            Header(response, "X-Consent-Decision-Id"),
            Header(response, "X-Partner"),
            marker,
            await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        Stop();
        if (_output is not null && ErrorLog() is { Length: > 0 } log)
        {
            _output.WriteLine($"nginx error log ({ErrorLogPath}):{Environment.NewLine}{log}");
        }

        try
        {
            _prefix.Delete(recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A temp folder left behind is harmless.
        }

        await Task.CompletedTask;
    }

    private async Task StartAsync(Uri gateway, string proxyKey, Uri partner)
    {
        var binary = Binary;
        Directory.CreateDirectory(Path.Combine(_prefix.FullName, "logs"));
        Directory.CreateDirectory(Path.Combine(_prefix.FullName, "temp"));
        if (!OperatingSystem.IsWindows())
        {
            // Started as root, nginx runs its workers as nobody: they must be able to enter the prefix.
            File.SetUnixFileMode(_prefix.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        var caBundle = Path.Combine(_prefix.FullName, "ca.pem");
        await File.WriteAllTextAsync(caBundle, SelfSignedCertificatePem());

        for (var attempt = 1; ; attempt++)
        {
            var port = ChildProcess.FreeLoopbackPort();
            await RenderAsync(new Dictionary<string, string>
            {
                ["EGRESS_LISTEN"] = $"127.0.0.1:{port}",
                ["EGRESS_ACCESS_LOG"] = "logs/consent-egress.access.log",
                ["CONSENT_GATEWAY_SCHEME"] = gateway.Scheme,
                ["CONSENT_GATEWAY_HOST"] = gateway.Host,
                ["CONSENT_GATEWAY_PORT"] = gateway.Port.ToString(CultureInfo.InvariantCulture),
                ["CONSENT_PROXY_KEY"] = proxyKey,
                ["CONSENT_CACHE_DIR"] = Path.Combine(_prefix.FullName, "cache"),
                ["CA_BUNDLE"] = caBundle,
                ["PARTNER_GOOGLE_URL"] = new Uri(partner, "google/").ToString(),
                ["PARTNER_FACEBOOK_URL"] = new Uri(partner, "facebook/").ToString(),
                ["PARTNER_EXAMPLE_ADVERTISER_URL"] = new Uri(partner, "example-advertiser/").ToString(),
            });

            string[] arguments = ["-p", _prefix.FullName + "/", "-c", Path.Combine(_prefix.FullName, "nginx.conf"), "-e", "logs/error.log", "-g", "daemon off;"];
            var process = _process = ChildProcess.Start(binary, arguments, _prefix.FullName);
            try
            {
                await process.WaitUntilListeningAsync("nginx", port, StartTimeout, Diagnostics);
                BaseAddress = new Uri($"http://127.0.0.1:{port}/");
                return;
            }
            catch (InvalidOperationException) when (attempt < PortAttempts && ErrorLog().Contains("Address already in use", StringComparison.Ordinal))
            {
                // The port was taken between finding it free and nginx binding it: try another.
                Stop();
            }
        }
    }

    // deploy/nginx as render.sh renders it: nginx.conf and consent/route.conf as they are, the
    // template's placeholders replaced. A placeholder the fixture does not know fails loudly.
    private async Task RenderAsync(Dictionary<string, string> values)
    {
        var source = Path.Combine(Repository.Root, "deploy", "nginx");
        Directory.CreateDirectory(Path.Combine(_prefix.FullName, "consent"));
        foreach (var (from, to) in (IEnumerable<(string, string)>)[("nginx.conf", "nginx.conf"), ("consent/route.conf", "consent/route.conf"), ("consent/egress.conf.template", "consent/egress.conf")])
        {
            var text = await File.ReadAllTextAsync(Path.Combine(source, from));
            var rendered = Placeholder().Replace(text, match => values.TryGetValue(match.Groups[1].Value, out var value)
                ? value
                : throw new InvalidOperationException($"deploy/nginx/{from} has a placeholder the test fixture does not know: {match.Value}"));
            await File.WriteAllTextAsync(Path.Combine(_prefix.FullName, to), rendered);
        }
    }

    private string Diagnostics() =>
        $"Its output:{Environment.NewLine}{_process?.Output}{Environment.NewLine}Its error log ({ErrorLogPath}):{Environment.NewLine}{ErrorLog()}";

    private void Stop()
    {
        _process?.Dispose();
        _process = null;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    // A CA bundle for the template's TLS settings (no test upstream speaks TLS, but nginx loads the file).
    private static string SelfSignedCertificatePem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=consent-egress-tests", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return certificate.ExportCertificatePem();
    }

    [GeneratedRegex(@"\$\{([A-Z][A-Z0-9_]*)\}")]
    private static partial Regex Placeholder();
}

/// <summary>What the egress proxy answered an internal service.</summary>
public sealed record EgressAnswer(HttpStatusCode Status, string? Decision, string? Reason, string? DecisionId, string? PartnerHeader, string Marker, string Body)
{
    /// <summary>The partner's own answer came back (it was reached).</summary>
    public bool FromPartner => PartnerHeader is not null;

    public override string ToString() => $"{(int)Status} decision={Decision} reason={Reason} fromPartner={FromPartner}";
}
