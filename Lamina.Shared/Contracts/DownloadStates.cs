namespace Lamina.Shared.Contracts;

/// <summary>A download's states: <c>queued → running → verifying → completed</c>, or <c>failed</c> / <c>cancelled</c>.</summary>
public static class DownloadStates
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Verifying = "verifying";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static bool IsFinished(string state) => state is Completed or Failed or Cancelled;
}
