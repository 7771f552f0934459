using System.Text.Json;
using Lamina.Runner.Instances;
using Lamina.Shared.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Lamina.Runner.Tests;

/// <summary>Single-flight starts on one Runner, and the start lock across Runners in a real store.</summary>
public sealed class StartCoordinatorTests(StoreFixture store) : IClassFixture<StoreFixture>
{
    private const string OtherRunner = "other-machine/4242";

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private readonly IOptions<RunnerOptions> _options = Options.Create(new RunnerOptions { LoadTimeout = TimeSpan.FromSeconds(30) });

    [Fact]
    public async Task ManyStartsOfOneModelAtOnceLaunchItOnce()
    {
        var coordinator = Coordinator();
        var model = Model();
        var release = new TaskCompletionSource<StartOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var launches = 0;

        var starts = Enumerable.Range(0, 20).Select(_ => Task.Run(() => coordinator.StartAsync(model, async _ =>
        {
            Interlocked.Increment(ref launches);
            return await release.Task;
        }, CancellationToken.None))).ToList();
        await WaitForAsync(() => launches > 0);
        release.SetResult(StartOutcome.Ready(Record(model, InstanceStore.Node)));
        var outcomes = await Task.WhenAll(starts).WaitAsync(Wait);

        Assert.Equal(1, launches);
        Assert.All(outcomes, outcome => Assert.Equal(model, outcome.Instance?.Model));
    }

    [Fact]
    public async Task AFailedStartGivesEveryWaiterItsReasonAndTheNextStartLaunchesAgain()
    {
        var coordinator = Coordinator();
        var model = Model();
        var release = new TaskCompletionSource<StartOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var launches = 0;
        Task<StartOutcome> Start() => coordinator.StartAsync(model, async _ =>
        {
            Interlocked.Increment(ref launches);
            return await release.Task;
        }, CancellationToken.None);

        var waiters = Enumerable.Range(0, 5).Select(_ => Start()).ToList();
        release.SetResult(StartOutcome.Refused(StatusCodes.Status502BadGateway, "backend exited with code 3 while loading"));
        var outcomes = await Task.WhenAll(waiters).WaitAsync(Wait);
        await Start().WaitAsync(Wait);

        Assert.All(outcomes, outcome => Assert.Equal((502, "backend exited with code 3 while loading"), (outcome.Status, outcome.Problem)));
        Assert.Equal(2, launches);
        Assert.False(await store.Db.KeyExistsAsync(RedisKeys.InstanceStartLock(model)));
    }

    [Fact]
    public async Task AStartThatThrowsReleasesEveryWaiterWithTheErrorAndTheLock()
    {
        var coordinator = Coordinator();
        var model = Model();
        var release = new TaskCompletionSource<StartOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);

        var waiters = Enumerable.Range(0, 5).Select(_ => coordinator.StartAsync(model, _ => release.Task, CancellationToken.None)).ToList();
        release.SetException(new HttpRequestException("the Registry cannot be reached"));

        foreach (var waiter in waiters)
        {
            var error = await Assert.ThrowsAsync<HttpRequestException>(() => waiter.WaitAsync(Wait));
            Assert.Equal("the Registry cannot be reached", error.Message);
        }

        Assert.False(await store.Db.KeyExistsAsync(RedisKeys.InstanceStartLock(model)));
    }

    [Fact]
    public async Task ALaunchRunsHoldingTheLockAcrossRunnersAndLetsGoOfItAfter()
    {
        var coordinator = Coordinator();
        var model = Model();
        string? holder = null;

        await coordinator.StartAsync(model, async _ =>
        {
            holder = await store.Db.StringGetAsync(RedisKeys.InstanceStartLock(model));
            return StartOutcome.Ready(Record(model, InstanceStore.Node));
        }, CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(InstanceStore.Node, holder);
        Assert.False(await store.Db.KeyExistsAsync(RedisKeys.InstanceStartLock(model)));
    }

    [Fact]
    public async Task AStartWaitsWhileAnotherRunnerStartsTheModelAndThenUsesItsInstance()
    {
        var coordinator = Coordinator();
        var model = Model();
        await store.Db.StringSetAsync(RedisKeys.InstanceStartLock(model), OtherRunner, TimeSpan.FromMinutes(1));
        var launched = false;

        var start = coordinator.StartAsync(model, _ =>
        {
            launched = true;
            return Task.FromResult(StartOutcome.Refused(500, "launched here"));
        }, CancellationToken.None);
        await Task.Delay(300);
        Assert.False(start.IsCompleted);
        await store.Db.StringSetAsync(RedisKeys.Instance(model), JsonSerializer.Serialize(Record(model, OtherRunner), LaminaJson.Options));
        var outcome = await start.WaitAsync(Wait);

        Assert.False(launched);
        Assert.Equal((model, OtherRunner), (outcome.Instance?.Model, outcome.Instance?.Node));
        Assert.Equal(OtherRunner, (string?)await store.Db.StringGetAsync(RedisKeys.InstanceStartLock(model)));
    }

    [Fact]
    public async Task AnotherRunnersStartPastTheLoadTimeoutIsRefusedNamingThatRunner()
    {
        var coordinator = Coordinator(Options.Create(new RunnerOptions { LoadTimeout = TimeSpan.FromMilliseconds(300) }));
        var model = Model();
        await store.Db.StringSetAsync(RedisKeys.InstanceStartLock(model), OtherRunner, TimeSpan.FromMinutes(1));

        var outcome = await coordinator.StartAsync(model, _ => throw new InvalidOperationException("must not launch"), CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(StatusCodes.Status504GatewayTimeout, outcome.Status);
        Assert.Equal($"model '{model}' has been starting on {OtherRunner} for longer than Lamina:Runner:LoadTimeout (00:00:00.3000000)", outcome.Problem);
    }

    private StartCoordinator Coordinator(IOptions<RunnerOptions>? options = null)
    {
        options ??= _options;
        var instances = store.Instances(options, TimeProvider.System);
        return new StartCoordinator(instances, new StartLocks(store.Redis, instances), TimeProvider.System, options, NullLogger<StartCoordinator>.Instance);
    }

    private static string Model() => "model-" + Guid.NewGuid().ToString("N")[..8];

    private static InstanceInfo Record(string model, string node) =>
        new(model, "llama.cpp", InstanceStates.Ready, "http://127.0.0.1:1", 1, DateTimeOffset.UnixEpoch) { Node = node };

    private static async Task WaitForAsync(Func<bool> done)
    {
        for (var i = 0; i < 400 && !done(); i++)
        {
            await Task.Delay(25);
        }

        Assert.True(done());
    }
}
