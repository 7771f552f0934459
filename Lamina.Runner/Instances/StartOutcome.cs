using Lamina.Shared.Contracts;

namespace Lamina.Runner.Instances;

/// <summary>How a start ended: a ready instance, or a status and a reason a person can act on.</summary>
public sealed record StartOutcome(InstanceInfo? Instance, int Status, string? Problem)
{
    public static StartOutcome Ready(InstanceInfo instance) => new(instance, StatusCodes.Status200OK, null);

    public static StartOutcome Refused(int status, string problem) => new(null, status, problem);
}
