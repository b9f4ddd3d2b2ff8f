using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CabinetOps.IntegrationTests.Infrastructure;
using CabinetOps.Server.Features.Products;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CabinetOps.IntegrationTests.Features.Products;

/// <summary>A host of its own: the ERP simulator's catalogue changes as the scenario goes, and pages are 50 products.</summary>
public abstract class ErpSyncApp(DatabaseProvider provider) : AppFixture(provider)
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Erp:PageSize"] = "50" };
}

public sealed class ErpSyncSqliteApp() : ErpSyncApp(DatabaseProvider.Sqlite);

public sealed class ErpSyncPostgresApp() : ErpSyncApp(DatabaseProvider.Postgres);

public abstract class ProductSyncTests(ErpSyncApp app)
{
    private TestHost Host => app.Host;

    /// <summary>立即同步, then wait for the run to finish.</summary>
    public static async Task<JsonElement> SyncAsync(HttpClient client)
    {
        var started = await client.PostAsync("/api/admin/products/sync-runs", null);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        return await Eventually.WaitAsync(() => client.GetFromJsonAsync<JsonElement>($"/api/admin/products/sync-runs/{id}"),
            r => r.GetProperty("status").GetString() != "Running", "sync run finished");
    }

    private static async Task ErpChangeAsync(HttpClient sandbox, string query) => (await sandbox.PostAsync($"/sandbox/erp/changes?{query}", null)).EnsureSuccessStatusCode();

    private static async Task<JsonElement> ProductAsync(HttpClient client, string code) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/admin/products?search={code}")).GetProperty("items").EnumerateArray().Single(p => p.GetProperty("productCode").GetString() == code);

    [Fact]
    public async Task FullThenIncrementalThenRemovalThenOutageAndRecovery()
    {
        using var ops = await Host.SignedInClientAsync("ops");
        using var sandbox = Host.CreateHttpClient();

        // First run: the whole catalogue, read in pages of 50.
        var first = await SyncAsync(ops);
        Assert.Equal("Succeeded", first.GetProperty("status").GetString());
        Assert.Equal(240, first.GetProperty("created").GetInt32());
        Assert.Equal(5, first.GetProperty("pages").GetInt32());
        Assert.Equal("手动", first.GetProperty("triggerLabel").GetString());
        Assert.Equal(240, (await ops.GetFromJsonAsync<JsonElement>("/api/admin/products")).GetProperty("total").GetInt32());
        var water = await ProductAsync(ops, "P10001");
        var price = water.GetProperty("price").GetDecimal();

        // Incremental: only what changed since the last run.
        await ErpChangeAsync(sandbox, "kind=price&code=P10001&priceFen=" + (long)(price * 100 + 50));
        await ErpChangeAsync(sandbox, "kind=remove&code=P20002");
        await ErpChangeAsync(sandbox, "kind=add&code=P99001&priceFen=590");
        var second = await SyncAsync(ops);
        Assert.Equal("Succeeded", second.GetProperty("status").GetString());
        Assert.Equal((1, 1, 1), (second.GetProperty("created").GetInt32(), second.GetProperty("updated").GetInt32(), second.GetProperty("disabled").GetInt32()));
        Assert.Equal(1, second.GetProperty("pages").GetInt32());
        Assert.Equal(price + 0.5m, (await ProductAsync(ops, "P10001")).GetProperty("price").GetDecimal());
        Assert.Equal(5.90m, (await ProductAsync(ops, "P99001")).GetProperty("price").GetDecimal());

        // A product removed in the ERP is disabled, never deleted: orders point at it.
        var removed = await ProductAsync(ops, "P20002");
        Assert.Equal("Removed", removed.GetProperty("status").GetString());
        Assert.Equal("已删除", removed.GetProperty("statusLabel").GetString());
        Assert.Equal(241, (await ops.GetFromJsonAsync<JsonElement>("/api/admin/products")).GetProperty("total").GetInt32());

        // An outage fails the run visibly and changes nothing…
        await ErpChangeAsync(sandbox, "kind=price&code=P10003&priceFen=12340");
        (await sandbox.PostAsync("/sandbox/erp/faults?outage=true", null)).EnsureSuccessStatusCode();
        JsonElement failed;
        try
        {
            failed = await SyncAsync(ops);
        }
        finally
        {
            (await sandbox.PostAsync("/sandbox/erp/faults?outage=false", null)).EnsureSuccessStatusCode();
        }

        Assert.Equal("Failed", failed.GetProperty("status").GetString());
        Assert.Contains("503", failed.GetProperty("error").GetString());
        Assert.NotEqual(123.40m, (await ProductAsync(ops, "P10003")).GetProperty("price").GetDecimal());

        // …and the next run catches up.
        var recovered = await SyncAsync(ops);
        Assert.Equal("Succeeded", recovered.GetProperty("status").GetString());
        Assert.Equal(1, recovered.GetProperty("updated").GetInt32());
        Assert.Equal(123.40m, (await ProductAsync(ops, "P10003")).GetProperty("price").GetDecimal());

        // Nothing changed: a run reads nothing.
        var idle = await SyncAsync(ops);
        Assert.Equal(0, idle.GetProperty("created").GetInt32() + idle.GetProperty("updated").GetInt32() + idle.GetProperty("disabled").GetInt32());

        var runs = await ops.GetFromJsonAsync<JsonElement>("/api/admin/products/sync-runs");
        Assert.Equal(new[] { "Succeeded", "Succeeded", "Failed", "Succeeded", "Succeeded" }, runs.EnumerateArray().Select(r => r.GetProperty("status").GetString()).Take(5).Reverse());
    }
}

public sealed class ProductSyncOnSqlite(ErpSyncSqliteApp app) : ProductSyncTests(app), IClassFixture<ErpSyncSqliteApp>;

public sealed class ProductSyncOnPostgres(ErpSyncPostgresApp app) : ProductSyncTests(app), IClassFixture<ErpSyncPostgresApp>;

/// <summary>Run bookkeeping, on a host of its own so the scenario above always starts from an empty catalogue.</summary>
public abstract class ProductSyncRunRulesTests(ErpSyncApp app)
{
    private TestHost Host => app.Host;

    [Fact]
    public async Task OnlyOneRunAtATimeAndAStaleRunDoesNotBlock()
    {
        using var ops = await Host.SignedInClientAsync("ops");
        var blocker = await Host.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<CabinetOpsDbContext>();
            var run = new ProductSyncRun { Key = Guid.NewGuid(), Trigger = ProductSyncTrigger.Schedule, Status = ProductSyncStatus.Running, StartedAt = DateTime.UtcNow };
            db.ProductSyncRuns.Add(run);
            await db.SaveChangesAsync();
            return run.Id;
        });
        var refused = await HttpSurfaceTests.AssertProblemAsync(await ops.PostAsync("/api/admin/products/sync-runs", null), HttpStatusCode.Conflict);
        Assert.Contains("正在进行中", refused.GetProperty("title").GetString());

        // The node running it "died" an hour ago: the run is closed as interrupted and a new one starts.
        await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().ProductSyncRuns.Where(r => r.Id == blocker)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.StartedAt, DateTime.UtcNow.AddHours(-1))));
        var run = await ProductSyncTests.SyncAsync(ops);
        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        var stale = await ops.GetFromJsonAsync<JsonElement>($"/api/admin/products/sync-runs/{blocker}");
        Assert.Equal("Failed", stale.GetProperty("status").GetString());
        Assert.Contains("中断", stale.GetProperty("error").GetString());
    }

    [Fact]
    public async Task SyncNeedsThePermission()
    {
        using var franchise = await Host.SignedInClientAsync("franchise");
        await HttpSurfaceTests.AssertProblemAsync(await franchise.PostAsync("/api/admin/products/sync-runs", null), HttpStatusCode.Forbidden);
    }
}

public sealed class ProductSyncRunRulesOnSqlite(ErpSyncSqliteApp app) : ProductSyncRunRulesTests(app), IClassFixture<ErpSyncSqliteApp>;

public sealed class ProductSyncRunRulesOnPostgres(ErpSyncPostgresApp app) : ProductSyncRunRulesTests(app), IClassFixture<ErpSyncPostgresApp>;

/// <summary>The schedule (every second here; ten minutes by default) runs the sync without anyone asking.</summary>
public abstract class ScheduledSyncApp(DatabaseProvider provider) : AppFixture(provider)
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["ProductSync:Interval"] = "00:00:01" };
}

public sealed class ScheduledSyncSqliteApp() : ScheduledSyncApp(DatabaseProvider.Sqlite);

public sealed class ScheduledSyncPostgresApp() : ScheduledSyncApp(DatabaseProvider.Postgres);

public abstract class ScheduledProductSyncTests(ScheduledSyncApp app)
{
    [Fact]
    public async Task ScheduledRunsAreRecordedAndLoadTheCatalogue()
    {
        using var ops = await app.Host.SignedInClientAsync("ops");
        var runs = await Eventually.WaitAsync(() => ops.GetFromJsonAsync<JsonElement>("/api/admin/products/sync-runs?take=50"),
            r => r.EnumerateArray().Count(x => x.GetProperty("status").GetString() == "Succeeded") >= 2, "two scheduled runs");
        Assert.All(runs.EnumerateArray(), r => Assert.Equal("定时", r.GetProperty("triggerLabel").GetString()));
        Assert.Equal(240, runs.EnumerateArray().Sum(r => r.GetProperty("created").GetInt32()));
        Assert.Equal(240, (await ops.GetFromJsonAsync<JsonElement>("/api/admin/products")).GetProperty("total").GetInt32());
    }
}

public sealed class ScheduledProductSyncOnSqlite(ScheduledSyncSqliteApp app) : ScheduledProductSyncTests(app), IClassFixture<ScheduledSyncSqliteApp>;

public sealed class ScheduledProductSyncOnPostgres(ScheduledSyncPostgresApp app) : ScheduledProductSyncTests(app), IClassFixture<ScheduledSyncPostgresApp>;
