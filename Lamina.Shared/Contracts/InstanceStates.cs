namespace Lamina.Shared.Contracts;

/// <summary>The lifecycle of a model server: starting → loading → ready → stopping → stopped, or failed.</summary>
public static class InstanceStates
{
    public const string Starting = "starting";
    public const string Loading = "loading";
    public const string Ready = "ready";
    public const string Stopping = "stopping";
    public const string Stopped = "stopped";
    public const string Failed = "failed";
}
