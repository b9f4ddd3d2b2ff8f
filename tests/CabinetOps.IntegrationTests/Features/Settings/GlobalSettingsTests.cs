using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CabinetOps.IntegrationTests.Features.Settings;

/// <summary>系统设置: the stores' global defaults and the Pay Score switch, changed by an administrator and audited (issue #7).</summary>
public abstract class GlobalSettingsTests(AppFixture app)
{
    private TestHost Host => app.Host;

    private static object Body(decimal orderAmountLimit = 600m, int itemCountLimit = 30, bool payScoreEnabled = false) => new
    {
        orderAmountLimit, itemCountLimit, payScoreRiskCeiling = 300m, minTicketBalance = 500, complaintResponseHours = 12, payScoreEnabled,
    };

    [Fact]
    public async Task AnAdministratorChangesTheDefaultsAndTheSwitchStoresFollowThemAndTheAuditLogKeepsBeforeAndAfter()
    {
        using var admin = await Host.SignedInClientAsync("admin");
        var before = await admin.GetFromJsonAsync<JsonElement>("/api/admin/settings");
        Assert.Equal((500m, 20, true), (before.GetProperty("orderAmountLimit").GetDecimal(), before.GetProperty("itemCountLimit").GetInt32(), before.GetProperty("payScoreEnabled").GetBoolean()));

        var saved = await admin.PutAsJsonAsync("/api/admin/settings", Body());
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var after = await admin.GetFromJsonAsync<JsonElement>("/api/admin/settings");
        Assert.Equal((600m, 30, false, 12), (after.GetProperty("orderAmountLimit").GetDecimal(), after.GetProperty("itemCountLimit").GetInt32(),
            after.GetProperty("payScoreEnabled").GetBoolean(), after.GetProperty("complaintResponseHours").GetInt32()));

        // A store without values of its own now works with the new defaults.
        var store = (await admin.GetFromJsonAsync<JsonElement>("/api/admin/stores?search=SZ001")).GetProperty("items")[0].GetProperty("id").GetInt32();
        var effective = (await admin.GetFromJsonAsync<JsonElement>($"/api/admin/stores/{store}")).GetProperty("effective");
        Assert.Equal((30, false), (effective.GetProperty("itemCountLimit").GetInt32(), effective.GetProperty("payScoreEnabled").GetBoolean()));

        var entry = await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().AuditLog.AsNoTracking().SingleAsync(a => a.Action == "settings.update"));
        Assert.Equal(("admin", "修改系统设置：微信支付分关闭"), (entry.ActorName, entry.Summary));
        Assert.Contains("\"PayScoreEnabled\":true", entry.BeforeJson);
        Assert.Contains("\"PayScoreEnabled\":false", entry.AfterJson);
    }

    [Fact]
    public async Task OthersCannotChangeThemAndBadValuesAreRefusedWithoutChangingAnything()
    {
        using var ops = await Host.SignedInClientAsync("ops");
        Assert.Equal(HttpStatusCode.Forbidden, (await ops.PutAsJsonAsync("/api/admin/settings", Body())).StatusCode);
        using var admin = await Host.SignedInClientAsync("admin");
        var current = await admin.GetStringAsync("/api/admin/settings");

        foreach (var bad in new[] { Body(itemCountLimit: 0), Body(orderAmountLimit: 0m), Body(orderAmountLimit: 1.005m) })
        {
            var refused = await admin.PutAsJsonAsync("/api/admin/settings", bad);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync("/api/admin/settings", new { orderAmountLimit = 600m })).StatusCode);
        Assert.Equal(current, await admin.GetStringAsync("/api/admin/settings"));
    }
}

public sealed class GlobalSettingsOnSqlite(SqliteApp app) : GlobalSettingsTests(app), IClassFixture<SqliteApp>;

public sealed class GlobalSettingsOnPostgres(PostgresApp app) : GlobalSettingsTests(app), IClassFixture<PostgresApp>;
