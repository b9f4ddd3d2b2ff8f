using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CabinetOps.Server.Features.Settings;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Wolverine.Persistence.Durability;

namespace CabinetOps.IntegrationTests.Features.ManualWork;

/// <summary>The durable work mechanism (issue #3 point 5) through the real host and database.</summary>
public abstract class DurableWorkTests(AppFixture app)
{
    private TestHost Host => app.Host;

    /// <summary>
    /// How early a retry may come. Wolverine's SQLite store compares scheduled times as text at
    /// one-second precision (measured: a 200 ms retry ran after 31 ms; 5 s retries ran on time), so
    /// on SQLite a retry can be up to a second early; harmless against 15/30/60 s (decision 0002).
    /// </summary>
    protected abstract TimeSpan ScheduleTolerance { get; }

    [Fact]
    public async Task FailingWorkIsRetriedOnTheScheduleThenEscalatedToTheManualQueue()
    {
        var work = new ProbeWork(Guid.NewGuid(), FailTimes: 99);
        await EnqueueWithBusinessChangeAsync(work);

        using var ops = await Host.SignedInClientAsync("ops");
        var item = await WaitForManualItemAsync(ops, work.Id);
        Assert.Contains("模拟外部系统故障", item.GetProperty("exceptionMessage").GetString());
        Assert.Equal(work.Describe(), item.GetProperty("description").GetString());

        // One attempt plus three retries, each at least the configured delay after the previous one.
        var attempts = ProbeWorkHandler.Of(work.Id);
        Assert.Equal(4, attempts.Count);
        var delays = new[] { 200, 400, 800 };
        for (var i = 0; i < 3; i++)
        {
            var gap = (attempts[i + 1].At - attempts[i].At).TotalMilliseconds;
            Assert.True(gap >= delays[i] - ScheduleTolerance.TotalMilliseconds, $"retry {i + 1} came {gap:0} ms after the previous attempt; the schedule says {delays[i]} ms");
        }
    }

    [Fact]
    public async Task RetryNowRunsEscalatedWorkAgainAndResolveArchivesItWithAnAuditEntry()
    {
        var healed = new ProbeWork(Guid.NewGuid(), FailTimes: 4);
        var abandoned = new ProbeWork(Guid.NewGuid(), FailTimes: 99);
        await EnqueueWithBusinessChangeAsync(healed);
        await EnqueueWithBusinessChangeAsync(abandoned);
        using var ops = await Host.SignedInClientAsync("ops");
        await WaitForManualItemAsync(ops, healed.Id);
        var abandonedItem = await WaitForManualItemAsync(ops, abandoned.Id);

        var deadLetterId = (await WaitForManualItemAsync(ops, healed.Id)).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await ops.PostAsync($"/api/admin/manual-work/{deadLetterId}/retry", null)).StatusCode);
        await Eventually.WaitAsync(() => ProbeWorkHandler.Of(healed.Id).Any(a => a.Succeeded), "the retried work to succeed");
        await Eventually.WaitAsync(async () => await FindManualItemAsync(ops, healed.Id), i => i is null, "the retried work to leave the queue");

        var id = abandonedItem.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await ops.PostAsJsonAsync($"/api/admin/manual-work/{id}/resolve", new { note = "已人工补单" })).StatusCode);
        Assert.Null(await FindManualItemAsync(ops, abandoned.Id));
        using var admin = await Host.SignedInClientAsync("admin");
        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/admin/audit-log?action=manual-work.resolve");
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("summary").GetString()!.Contains(abandoned.Describe()));
        Assert.Equal(HttpStatusCode.Conflict, (await ops.PostAsync($"/api/admin/manual-work/{id}/retry", null)).StatusCode);
    }

    [Fact]
    public async Task WorkIsNotEnqueuedWhenTheBusinessChangeFailsToCommit()
    {
        var key = "test." + Guid.NewGuid().ToString("N");
        await EnqueueWithBusinessChangeAsync(new ProbeWork(Guid.NewGuid(), 0), key);
        var doomed = new ProbeWork(Guid.NewGuid(), FailTimes: 0);

        // Same primary key again: the commit fails, so the work must vanish with it.
        await Assert.ThrowsAnyAsync<DbUpdateException>(() => EnqueueWithBusinessChangeAsync(doomed, key));
        var incoming = await Host.WithScopeAsync(sp => sp.GetRequiredService<IMessageStore>().Admin.AllIncomingAsync());
        Assert.DoesNotContain(incoming, e => e.Message is ProbeWork p && p.Id == doomed.Id);
        Assert.Empty(ProbeWorkHandler.Of(doomed.Id));
    }

    [Fact]
    public async Task OperatorWithoutManagePermissionCannotActOnTheQueue()
    {
        using var finance = await Host.SignedInClientAsync("finance");
        Assert.Equal(HttpStatusCode.Forbidden, (await finance.GetAsync("/api/admin/manual-work")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await finance.PostAsync($"/api/admin/manual-work/{Guid.NewGuid()}/retry", null)).StatusCode);
    }

    private Task EnqueueWithBusinessChangeAsync(ProbeWork work, string? settingKey = null) => Host.EnqueueAsync(work, db =>
        db.Settings.Add(new Setting { Key = settingKey ?? "test." + work.Id.ToString("N"), Value = "x", UpdatedAt = DateTime.UtcNow }));

    internal static Task<JsonElement> WaitForManualItemAsync(HttpClient client, Guid workId) =>
        Eventually.WaitAsync(() => FindManualItemAsync(client, workId), i => i is not null, $"work {workId} in the manual queue").ContinueWith(t => t.Result!.Value);

    private static async Task<JsonElement?> FindManualItemAsync(HttpClient client, Guid workId)
    {
        var page = await client.GetFromJsonAsync<JsonElement>("/api/admin/manual-work?pageSize=100");
        foreach (var item in page.GetProperty("items").EnumerateArray())
        {
            if (item.GetProperty("description").GetString() == $"测试任务 {workId:N}")
                return item;
        }

        return null;
    }
}

public sealed class DurableWorkOnSqlite(SqliteAppWithTestWork app) : DurableWorkTests(app), IClassFixture<SqliteAppWithTestWork>
{
    protected override TimeSpan ScheduleTolerance => TimeSpan.FromSeconds(1);
}

public sealed class DurableWorkOnPostgres(PostgresAppWithTestWork app) : DurableWorkTests(app), IClassFixture<PostgresAppWithTestWork>
{
    protected override TimeSpan ScheduleTolerance => TimeSpan.FromMilliseconds(25);
}
