using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ConsentGateway.LoadBench;

/// <summary>
/// The yardstick of the check figures: Debian's nginx answering <c>return 200</c> on a free
/// loopback port, with as many workers as cores and no access log.
/// </summary>
internal sealed class NginxReturn200 : IDisposable
{
    private readonly Process _nginx;
    private readonly string _folder;

    private NginxReturn200(Process nginx, string folder, Uri address)
    {
        _nginx = nginx;
        _folder = folder;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<NginxReturn200> StartAsync()
    {
        var folder = Directory.CreateTempSubdirectory("consent-bench-nginx-").FullName;
        var port = FreePort();
        var config = Path.Combine(folder, "nginx.conf");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $$"""
            worker_processes auto;
            pid {{folder}}/nginx.pid;
            error_log {{folder}}/error.log warn;
            events { worker_connections 4096; }
            http {
                access_log off;
                client_body_temp_path {{folder}};
                server {
                    listen 127.0.0.1:{{port}};
                    location / { return 200; }
                }
            }
            """));
        var nginx = Process.Start(new ProcessStartInfo("/usr/sbin/nginx") { ArgumentList = { "-p", folder, "-c", config, "-g", "daemon off;" } })
            ?? throw new InvalidOperationException("nginx did not start: install it with apt-get install -y nginx.");
        var address = new Uri($"http://127.0.0.1:{port}/");
        using var client = new HttpClient();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var response = await client.GetAsync(address);
                return new NginxReturn200(nginx, folder, address);
            }
            catch (HttpRequestException) when (attempt < 50 && !nginx.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    public void Dispose()
    {
        _nginx.Kill(entireProcessTree: true);
        _nginx.WaitForExit();
        _nginx.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
