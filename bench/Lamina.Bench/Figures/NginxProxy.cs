using System.Diagnostics;
using System.Net.Sockets;
using Lamina.Shared.Hosting;

namespace Lamina.Bench.Figures;

/// <summary>
/// nginx (Debian's package) as a reverse proxy in front of one upstream, with upstream keep-alive and no
/// response buffering: the reference a proxy's overhead is measured against. Its own instance, config, pid and
/// logs in a temporary folder, never the system service.
/// </summary>
internal sealed class NginxProxy : IAsyncDisposable
{
    private readonly string _program;
    private readonly string _folder;
    private readonly Process _master;

    private NginxProxy(string program, string folder, Process master, Uri baseAddress)
    {
        _program = program;
        _folder = folder;
        _master = master;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The CPU time of nginx's master and its workers.</summary>
    public ProcessCpu Cpu => ProcessCpu.Of(_master.Id);

    /// <summary>nginx from PATH or where Debian puts it, or null when it is not installed.</summary>
    public static string? Program =>
        LocalMachine.FindOnPath("nginx") ?? (File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : null);

    /// <summary>Starts nginx proxying to <paramref name="upstream"/>, once it accepts connections; null when nginx is not installed.</summary>
    public static async Task<NginxProxy?> StartAsync(Uri upstream)
    {
        if (Program is not { } program)
        {
            return null;
        }

        var folder = Directory.CreateTempSubdirectory("lamina-nginx-").FullName;
        var port = LocalMachine.FreePort();
        await File.WriteAllTextAsync(Path.Combine(folder, "nginx.conf"), $$"""
            # auto: one worker per core (2 here), as the gateway's Kestrel spreads its work over every core.
            worker_processes auto;
            daemon off;
            pid {{folder}}/nginx.pid;
            error_log {{folder}}/error.log warn;
            events { worker_connections 4096; }
            http {
                access_log off;
                client_body_temp_path {{folder}}/body;
                proxy_temp_path {{folder}}/proxy;
                fastcgi_temp_path {{folder}}/fastcgi;
                uwsgi_temp_path {{folder}}/uwsgi;
                scgi_temp_path {{folder}}/scgi;
                upstream u {
                    server {{upstream.Host}}:{{upstream.Port}};
                    keepalive 64;
                    # Kestrel closes no connection after N requests; nginx's default (1000) would make it reconnect.
                    keepalive_requests 1000000;
                }
                server {
                    listen 127.0.0.1:{{port}};
                    keepalive_requests 1000000;
                    location / {
                        proxy_pass http://u;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        # Streamed chunks go on as they come, as the gateway forwards them.
                        proxy_buffering off;
                    }
                }
            }
            """);
        var master = Process.Start(new ProcessStartInfo(program, Arguments(folder))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var proxy = new NginxProxy(program, folder, master, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await proxy.WaitListeningAsync(port);
            return proxy;
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
    }

    /// <summary>Asks nginx to quit gracefully, waits for it, and removes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_master.HasExited)
        {
            using var quit = Process.Start(new ProcessStartInfo(_program, [.. Arguments(_folder), "-s", "quit"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            await quit.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _master.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _master.Kill(entireProcessTree: true);
                await _master.WaitForExitAsync();
            }
        }

        _master.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    // -e: the error log from the first moment, before the config is read, instead of /var/log/nginx.
    private static string[] Arguments(string folder) =>
        ["-e", Path.Combine(folder, "error.log"), "-c", Path.Combine(folder, "nginx.conf"), "-p", folder + "/"];

    private async Task WaitListeningAsync(int port)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_master.HasExited)
            {
                var log = Path.Combine(_folder, "error.log");
                throw new InvalidOperationException(
                    $"nginx exited ({_master.ExitCode}): {await _master.StandardError.ReadToEndAsync()}{(File.Exists(log) ? await File.ReadAllTextAsync(log) : "")}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(20);
            }
        }
    }
}
