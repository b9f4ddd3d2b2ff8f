using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using CabinetOps.IntegrationTests.Features.Customers;
using CabinetOps.Sandbox.Wechat;
using CabinetOps.Server.Infrastructure.Persistence;

namespace CabinetOps.IntegrationTests.Infrastructure;

public abstract class RateLimitTests(AppFixture app)
{
    internal static readonly Dictionary<string, string?> LowLimits = new()
    {
        ["RateLimits:StaffSignInPerMinute"] = "3",
        ["RateLimits:CustomerLoginPerMinute"] = "3",
        ["RateLimits:PhoneBindingPerMinute"] = "2",
        ["RateLimits:PrecheckPerMinute"] = "3",
        ["RateLimits:DeviceOpenPerMinute"] = "2",
    };

    private TestHost Host => app.Host;

    [Fact]
    public async Task StaffSignInFromOneAddressIsLimitedAcrossAccounts()
    {
        using var client = Host.CreateHttpClient();
        var statuses = new List<HttpStatusCode>();
        foreach (var user in new[] { "nobody1", "nobody2", "nobody3", "admin" })
            statuses.Add((await client.PostAsJsonAsync("/api/admin/auth/login", new { userName = user, password = DemoData.Password })).StatusCode);
        // Once a minute has turned over the window starts again; only a full window proves the limit.
        if (statuses.Take(3).All(s => s == HttpStatusCode.Unauthorized))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, statuses[3]);
            var again = await client.PostAsJsonAsync("/api/admin/auth/login", new { userName = "admin", password = DemoData.Password });
            var problem = await HttpSurfaceTests.AssertProblemAsync(again, HttpStatusCode.TooManyRequests);
            Assert.Equal("登录尝试过于频繁，请稍后再试", problem.GetProperty("title").GetString());
        }
    }

    [Fact]
    public async Task PrecheckIsLimitedPerCustomer()
    {
        // One login only: customer logins are limited to three a minute in this fixture too.
        var (client, _) = await Host.CustomerClientAsync("precheck-limit-" + Guid.NewGuid());
        var statuses = new List<HttpStatusCode>();
        var window = Minute();
        for (var i = 0; i < 4; i++)
            statuses.Add((await client.PostAsJsonAsync("/api/mp/precheck", new { deviceCode = "SZ001-D01" })).StatusCode);
        // Only a full window proves the limit (the minute may turn over between any two requests).
        if (window == Minute() && statuses.Take(3).All(s => s == HttpStatusCode.OK))
            Assert.Equal(HttpStatusCode.TooManyRequests, statuses[3]);
    }

    [Fact]
    public async Task OpensAreLimitedPerCabinet()
    {
        // New opens count against the cabinet even when they are refused afterwards (this customer
        // has no tickets): two are let through to the precheck, the third is stopped before it.
        var (client, _) = await Host.CustomerClientAsync("device-limit-" + Guid.NewGuid());
        var answers = new List<HttpResponseMessage>();
        var window = Minute();
        for (var i = 0; i < 3; i++)
            answers.Add(await client.PostAsJsonAsync("/api/mp/sessions", new { deviceCode = "GZ001-D02", paymentMethod = "Tickets", idempotencyKey = Guid.NewGuid().ToString("N") }));
        Assert.Equal(HttpStatusCode.Conflict, answers[0].StatusCode);
        // Only a full window proves the limit (the minute may turn over between any two requests).
        if (window == Minute() && answers[1].StatusCode == HttpStatusCode.Conflict)
        {
            var problem = await HttpSurfaceTests.AssertProblemAsync(answers[2], HttpStatusCode.TooManyRequests);
            Assert.Contains("该柜子", problem.GetProperty("title").GetString());
        }
    }

    [Fact]
    public async Task PhoneBindingIsLimitedPerCustomerWithRetryAfter()
    {
        using var client = Host.CreateHttpClient();
        var token = await CustomerLoginTests.LoginAsync(client, WechatSimulator.OpenIdFor("limits-" + Guid.NewGuid()));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        HttpResponseMessage? last = null;
        for (var i = 0; i < 3; i++)
            last = await client.PostAsJsonAsync("/api/mp/me/phone", new { code = "unknown-code" });
        // Two refusals from WeChat (422), then the limit (429) — unless the minute turned over in between.
        if (last!.StatusCode == HttpStatusCode.TooManyRequests)
        {
            await HttpSurfaceTests.AssertProblemAsync(last, HttpStatusCode.TooManyRequests);
            Assert.True(last.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        }
        else
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, last.StatusCode);
        }
    }

    /// <summary>The fixed one-minute window the server's limiter counts in (UTC, as its clock).</summary>
    private static long Minute() => DateTime.UtcNow.Ticks / TimeSpan.TicksPerMinute;
}

public sealed class LowLimitSqliteApp : SqliteApp
{
    protected override IDictionary<string, string?>? Settings => RateLimitTests.LowLimits;
}

public sealed class LowLimitPostgresApp : PostgresApp
{
    protected override IDictionary<string, string?>? Settings => RateLimitTests.LowLimits;
}

public sealed class RateLimitsOnSqlite(LowLimitSqliteApp app) : RateLimitTests(app), IClassFixture<LowLimitSqliteApp>;

public sealed class RateLimitsOnPostgres(LowLimitPostgresApp app) : RateLimitTests(app), IClassFixture<LowLimitPostgresApp>;
