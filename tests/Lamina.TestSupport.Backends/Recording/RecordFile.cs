using System.Text.Json;

namespace Lamina.TestSupport.Backends.Recording;

/// <summary>The JSON a fake writes on start: <c>{"personality","argv","cuda_visible_devices","pid"}</c>.</summary>
internal sealed record RecordFile(string Personality, IReadOnlyList<string> Argv, string? CudaVisibleDevices, int Pid)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>The base file name, without .json or .events.</summary>
    public static string Name(string personality, int pid) => $"{personality}-{pid}";
}
