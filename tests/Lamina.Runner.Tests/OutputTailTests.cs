using Lamina.Runner.Backends;

namespace Lamina.Runner.Tests;

public sealed class OutputTailTests
{
    [Fact]
    public async Task FollowerGetsTheKeptLinesThenNewOnesUntilTheOutputEnds()
    {
        var tail = new OutputTail(2);
        tail.Add("one");
        tail.Add("two");
        tail.Add("three");
        var lines = new List<string>();
        var following = Task.Run(async () =>
        {
            await foreach (var line in tail.FollowAsync(CancellationToken.None))
            {
                lines.Add(line);
                if (line == "three")
                {
                    tail.Add("four");
                    tail.End();
                }
            }
        });

        await following.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(["two", "three", "four"], lines);
    }

    [Fact]
    public async Task FollowingEndedOutputGivesTheKeptLinesAndStops()
    {
        var tail = new OutputTail(10);
        tail.Add("last words");
        tail.End();

        var lines = await tail.FollowAsync(CancellationToken.None).ToListAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(["last words"], lines);
    }
}
