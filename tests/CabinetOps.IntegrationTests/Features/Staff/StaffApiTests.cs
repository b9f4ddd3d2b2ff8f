using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CabinetOps.IntegrationTests.Infrastructure;
using CabinetOps.Server.Features.Staff;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CabinetOps.IntegrationTests.Features.Staff;

public abstract class StaffApiTests(AppFixture app)
{
    private TestHost Host => app.Host;

    [Fact]
    public async Task AdminCreatesStaffWhoCanSignInAndTheChangeIsAudited()
    {
        using var admin = await Host.SignedInClientAsync("admin");
        var userName = "ops" + Guid.NewGuid().ToString("N")[..6];
        var created = await admin.PostAsJsonAsync("/api/admin/staff", new { userName, displayName = "运营小赵", roleCode = Roles.Operator, password = "Secret123" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        using var staff = await Host.SignedInClientAsync(userName, "Secret123");
        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/admin/audit-log?action=staff.create");
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("summary").GetString()!.Contains(userName));
    }

    [Fact]
    public async Task RoleWithoutPermissionGets403ProblemAndAnonymousGets401()
    {
        using var ops = await Host.SignedInClientAsync("ops");
        await HttpSurfaceTests.AssertProblemAsync(await ops.GetAsync("/api/admin/staff"), HttpStatusCode.Forbidden);
        await HttpSurfaceTests.AssertProblemAsync(await ops.GetAsync("/api/admin/audit-log"), HttpStatusCode.Forbidden);
        using var anonymous = Host.CreateHttpClient();
        await HttpSurfaceTests.AssertProblemAsync(await anonymous.GetAsync("/api/admin/staff"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task FranchiseManagerNeedsAtLeastOneStore()
    {
        using var admin = await Host.SignedInClientAsync("admin");
        var response = await admin.PostAsJsonAsync("/api/admin/staff", new { userName = "fr" + Guid.NewGuid().ToString("N")[..6], displayName = "加盟商", roleCode = Roles.Franchisee, password = "Secret123" });
        var problem = await HttpSurfaceTests.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("storeIds", problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
    }

    [Fact]
    public async Task FiveWrongPasswordsLockTheAccountEvenAgainstTheRightOne()
    {
        var userName = await CreateOperatorAsync();
        using var client = Host.CreateHttpClient();
        for (var i = 1; i <= 4; i++)
            await HttpSurfaceTests.AssertProblemAsync(await client.PostAsJsonAsync("/api/admin/auth/login", new { userName, password = "wrong-pass1" }), HttpStatusCode.Unauthorized);
        var locked = await HttpSurfaceTests.AssertProblemAsync(await client.PostAsJsonAsync("/api/admin/auth/login", new { userName, password = "wrong-pass1" }), (HttpStatusCode)423);
        Assert.Contains("15 分钟", locked.GetProperty("title").GetString());
        await HttpSurfaceTests.AssertProblemAsync(await client.PostAsJsonAsync("/api/admin/auth/login", new { userName, password = "Secret123" }), (HttpStatusCode)423);
    }

    [Fact]
    public async Task DisablingAnAccountEndsItsLiveSession()
    {
        var userName = await CreateOperatorAsync();
        using var staff = await Host.SignedInClientAsync(userName, "Secret123");
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync("/api/admin/manual-work")).StatusCode);

        using var admin = await Host.SignedInClientAsync("admin");
        var id = await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().AdminUsers.Where(u => u.UserName == userName).Select(u => u.Id).SingleAsync());
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/admin/staff/{id}/status", new { disabled = true })).StatusCode);

        await HttpSurfaceTests.AssertProblemAsync(await staff.GetAsync("/api/admin/manual-work"), HttpStatusCode.Unauthorized);
        using var again = Host.CreateHttpClient();
        await HttpSurfaceTests.AssertProblemAsync(await again.PostAsJsonAsync("/api/admin/auth/login", new { userName, password = "Secret123" }), HttpStatusCode.Forbidden);
    }

    private async Task<string> CreateOperatorAsync()
    {
        using var admin = await Host.SignedInClientAsync("admin");
        var userName = "op" + Guid.NewGuid().ToString("N")[..6];
        var response = await admin.PostAsJsonAsync("/api/admin/staff", new { userName, displayName = "运营", roleCode = Roles.Operator, password = "Secret123" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return userName;
    }
}

public sealed class StaffApiOnSqlite(SqliteApp app) : StaffApiTests(app), IClassFixture<SqliteApp>;

public sealed class StaffApiOnPostgres(PostgresApp app) : StaffApiTests(app), IClassFixture<PostgresApp>;
