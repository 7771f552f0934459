using System.Globalization;
using Lamina.Shared.Contracts;

namespace Lamina.Runner.Gpus;

/// <summary>Reads <c>nvidia-smi --query-gpu</c>'s CSV answer (no header, no units; memory in MiB).</summary>
public static class NvidiaSmi
{
    /// <summary>The query the Runner asks, in the order <see cref="Parse"/> reads the columns.</summary>
    public const string Arguments =
        "--query-gpu=index,uuid,name,memory.total,memory.used,memory.free,utilization.gpu,driver_version,compute_cap --format=csv,noheader,nounits";

    private const long MiB = 1 << 20;

    /// <summary>Every GPU of the answer; a line that is not one (a warning, a blank) is skipped.</summary>
    public static IReadOnlyList<GpuInfo> Parse(string csv)
    {
        var gpus = new List<GpuInfo>();
        foreach (var line in csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split(',', StringSplitOptions.TrimEntries);
            if (fields.Length < 9 || !int.TryParse(fields[0], CultureInfo.InvariantCulture, out var index))
            {
                continue;
            }

            gpus.Add(new GpuInfo(index, fields[1], fields[2])
            {
                MemoryTotalBytes = Number(fields[3]) * MiB,
                MemoryUsedBytes = Number(fields[4]) * MiB,
                MemoryFreeBytes = Number(fields[5]) * MiB,
                UtilizationPercent = (int?)Number(fields[6]),
                DriverVersion = Text(fields[7]),
                ComputeCapability = Text(fields[8]),
            });
        }

        return gpus;
    }

    // The driver writes "[N/A]" or "[Not Supported]" for what a GPU does not report.
    private static long? Number(string field) => long.TryParse(field, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static string? Text(string field) => field.StartsWith('[') || field.Length == 0 ? null : field;
}
