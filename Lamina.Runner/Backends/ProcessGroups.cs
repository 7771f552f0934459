using System.Runtime.InteropServices;

namespace Lamina.Runner.Backends;

/// <summary>Signals to whole process groups, so a backend's children go with it.</summary>
internal static partial class ProcessGroups
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    /// <summary>
    /// <c>setsid</c> makes the backend the leader of a new session and process group whose id is
    /// its pid (the child of a fork is never a group leader, so setsid execs without forking again).
    /// </summary>
    public static string? SetSid { get; } = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);

    public static bool Signal(int processGroup, int signal) =>
        OperatingSystem.IsWindows() || processGroup <= 1 ? false : Kill(-processGroup, signal) == 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
