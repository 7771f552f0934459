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
        var self = Environment.ProcessPath!;
        string[] own = [Argument, port.ToString(CultureInfo.InvariantCulture), upstream.GetLeftPart(UriPartial.Authority)];
        var start = new ProcessStartInfo(self, Path.GetFileNameWithoutExtension(self) == "dotnet" ? [Assembly.GetEntryAssembly()!.Location, .. own] : own)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // As Lamina.Gateway.csproj and its Program set them for the gateway.
            Environment =
            {
                ["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = "1",
                ["DOTNET_gcServer"] = "0",
                ["DOTNET_TieredPGO"] = "0",
                ["DOTNET_TC_QuickJit"] = "0",
                ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0",
            },
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
