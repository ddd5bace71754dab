using System.Globalization;
using ConsentGateway.Testing;

namespace ConsentGateway.LoadBench;

/// <summary>
/// The yardstick of the check figures: Debian's nginx answering <c>return 200</c> on a free
/// loopback port, with as many workers as cores and no access log.
/// </summary>
internal sealed class NginxReturn200 : IDisposable
{
    private readonly ChildProcess _nginx;
    private readonly string _folder;

    private NginxReturn200(ChildProcess nginx, string folder, Uri address)
    {
        _nginx = nginx;
        _folder = folder;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<NginxReturn200> StartAsync()
    {
        var folder = Directory.CreateTempSubdirectory("consent-bench-nginx-").FullName;
        var port = ChildProcess.FreeLoopbackPort();
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
        var nginx = ChildProcess.Start("/usr/sbin/nginx", ["-p", folder, "-c", config, "-g", "daemon off;"], folder);
        await nginx.WaitUntilListeningAsync("nginx", port, TimeSpan.FromSeconds(10), () => nginx.Output);
        return new NginxReturn200(nginx, folder, new Uri($"http://127.0.0.1:{port}/"));
    }

    public void Dispose()
    {
        _nginx.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
