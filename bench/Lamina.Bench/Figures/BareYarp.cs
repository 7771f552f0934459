using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Lamina.Shared.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Lamina.Bench.Figures;

/// <summary>
/// YARP's forwarder with nothing around it (no keys, routing, body check, telemetry or store), in a process of
/// its own with the gateway's runtime settings: the floor any gateway built on YARP stands on, printed beside
/// the gateway and nginx so the figure says how much of the gap is the gateway's own.
/// </summary>
internal sealed class BareYarp : IAsyncDisposable
{
    public const string Argument = "--bare-yarp";

    private readonly Process _process;

    private BareYarp(Process process, Uri baseAddress) => (_process, BaseAddress) = (process, baseAddress);

    public Uri BaseAddress { get; }

    /// <summary>The forwarder process's CPU time.</summary>
    public ProcessCpu Cpu => ProcessCpu.Of(_process.Id);

    /// <summary>Starts this program again as a bare forwarder to <paramref name="upstream"/>, once it accepts connections.</summary>
    public static async Task<BareYarp> StartAsync(Uri upstream)
    {
        var port = LocalMachine.FreePort();
        // The SDK names its dotnet to what it runs; started as an apphost, this program finds it on PATH.
        var dotnet = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        string[] own = [Argument, port.ToString(CultureInfo.InvariantCulture), upstream.GetLeftPart(UriPartial.Authority)];
        var assembly = Assembly.GetEntryAssembly()!.Location;
        // The gateway's own runtime settings (GC, JIT, thread pool), from the file its build wrote, so the two never drift apart.
        var start = new ProcessStartInfo(dotnet, ["exec", "--runtimeconfig", GatewayRuntimeConfig(), assembly, .. own])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // What Lamina.Gateway's GatewayRuntime sets in code before its host starts.
            Environment = { ["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = "1" },
        };
        var process = Process.Start(start)!;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the bare YARP forwarder exited ({process.ExitCode}): {await process.StandardError.ReadToEndAsync()}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return new BareYarp(process, new Uri($"http://127.0.0.1:{port}"));
            }
            catch (SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Lamina.Gateway.runtimeconfig.json of the gateway built in this configuration, beside this program's own build.</summary>
    private static string GatewayRuntimeConfig()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        var (framework, configuration) = (here.Name, here.Parent!.Name);
        var root = here;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Lamina.Aspire.sln")))
        {
            root = root.Parent;
        }

        var path = Path.Combine(root?.FullName ?? throw new InvalidOperationException("Lamina.Aspire.sln not found above the bench's build folder"),
            "Lamina.Gateway", "bin", configuration, framework, "Lamina.Gateway.runtimeconfig.json");
        return File.Exists(path) ? path : throw new InvalidOperationException($"the gateway's runtime settings are not at {path}; build Lamina.Gateway in {configuration} first");
    }

    /// <summary>The forwarder itself: every request to <paramref name="upstream"/>, through the same handler settings as the gateway's.</summary>
    public static async Task RunAsync(int port, string upstream)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddHttpForwarder();
        await using var app = builder.Build();
        using var client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
        });
        var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
        app.Run(async context => await forwarder.SendAsync(context, upstream, client, ForwarderRequestConfig.Empty, HttpTransformer.Empty));
        await app.RunAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
