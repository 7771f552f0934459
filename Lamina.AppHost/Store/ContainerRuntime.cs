using System.Diagnostics;
using Lamina.Shared.Hosting;

namespace Lamina.AppHost.Store;

/// <summary>Whether a container engine answers here (a docker or podman client alone is not enough).</summary>
public static class ContainerRuntime
{
    public static bool Answers()
    {
        var runtime = Environment.GetEnvironmentVariable("DOTNET_ASPIRE_CONTAINER_RUNTIME") ?? "docker";
        if (LocalMachine.FindOnPath(runtime) is not { } path)
        {
            return false;
        }

        try
        {
            using var info = Process.Start(new ProcessStartInfo(path, ["info", "--format", "{{.ServerVersion}}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (info is null)
            {
                return false;
            }

            if (!info.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                info.Kill(entireProcessTree: true);
                return false;
            }

            return info.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
