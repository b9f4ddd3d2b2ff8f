using CabinetOps.Server.Infrastructure.Persistence;

namespace CabinetOps.IntegrationTests.Features.ManualWork;

/// <summary>Durable work across process lifetimes and across nodes.</summary>
public sealed class DurableWorkRecoveryTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task WorkInFlightWhenTheServerDiesIsDoneAfterRestart(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var work = new ProbeWork(Guid.NewGuid(), FailTimes: 0, HangOnFirstAttempt: true);

        var first = new TestHost(database, settings: TestHost.TestWorkSettings).Start();
        await first.EnqueueAsync(work);
        await Eventually.WaitAsync(() => ProbeWorkHandler.Hanging.TryGetValue(work.Id, out var started) && started.Task.IsCompleted, "the first attempt to start");
        await first.DisposeAsync();
        Assert.DoesNotContain(ProbeWorkHandler.Of(work.Id), a => a.Succeeded);

        await using var second = new TestHost(database, settings: TestHost.TestWorkSettings).Start();
        await Eventually.WaitAsync(() => ProbeWorkHandler.Of(work.Id).Any(a => a.Succeeded), "the restarted server to finish the work", TimeSpan.FromSeconds(90));
        Assert.Single(ProbeWorkHandler.Of(work.Id), a => a.Succeeded);
    }

    [Fact]
    public async Task TwoServersOnOnePostgresDatabaseRunEachUnitOnce()
    {
        await using var database = await TestDatabase.PostgresAsync();
        await using var a = new TestHost(database, settings: TestHost.TestWorkSettings).Start();
        await using var b = new TestHost(database, settings: TestHost.TestWorkSettings).Start();

        // Half fail once, so their retries are scheduled work that either node could pick up.
        var works = Enumerable.Range(0, 40).Select(i => new ProbeWork(Guid.NewGuid(), FailTimes: i % 2)).ToList();
        for (var i = 0; i < works.Count; i++)
            await (i % 2 == 0 ? a : b).EnqueueAsync(works[i]);

        await Eventually.WaitAsync(() => works.All(w => ProbeWorkHandler.Of(w.Id).Any(x => x.Succeeded)), "every unit to succeed", TimeSpan.FromSeconds(60));
        foreach (var w in works)
        {
            var attempts = ProbeWorkHandler.Of(w.Id);
            Assert.Single(attempts, x => x.Succeeded);
            Assert.Equal(w.FailTimes + 1, attempts.Count);
        }
    }

}
