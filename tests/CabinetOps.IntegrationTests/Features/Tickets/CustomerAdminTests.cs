using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CabinetOps.IntegrationTests.Infrastructure;
using CabinetOps.Sandbox.Wechat;
using CabinetOps.Server.Features.Staff;
using CabinetOps.Server.Features.Tickets;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CabinetOps.IntegrationTests.Features.Tickets;

public abstract class CustomerAdminTests(AppFixture app)
{
    private TestHost Host => app.Host;

    private async Task<int> DemoCustomerIdAsync(string phone)
    {
        using var ops = await Host.SignedInClientAsync("ops");
        var page = await ops.GetFromJsonAsync<JsonElement>($"/api/admin/customers?phone={phone}");
        return page.GetProperty("items")[0].GetProperty("id").GetInt32();
    }

    private async Task<int> NewCustomerAsync()
    {
        using var client = Host.CreateHttpClient();
        var openId = WechatSimulator.OpenIdFor("tickets-" + Guid.NewGuid());
        await Customers.CustomerLoginTests.LoginAsync(client, openId);
        return await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().Customers.Where(c => c.OpenId == openId).Select(c => c.Id).SingleAsync());
    }

    [Fact]
    public async Task ListShowsMaskedPhonesAndFindsByFullPhoneOnly()
    {
        using var ops = await Host.SignedInClientAsync("ops");
        var found = await ops.GetFromJsonAsync<JsonElement>("/api/admin/customers?phone=139 0000 0002");
        var row = Assert.Single(found.GetProperty("items").EnumerateArray());
        Assert.Equal("139****0002", row.GetProperty("maskedPhone").GetString());
        var openId = WechatSimulator.DemoCustomers[1].OpenId;
        Assert.Equal($"{openId[..4]}****{openId[^4..]}", row.GetProperty("maskedOpenId").GetString());
        var text = await ops.GetStringAsync("/api/admin/customers?pageSize=100");
        Assert.DoesNotContain("13900000002", text);
        Assert.DoesNotContain(openId, text);
        Assert.Equal(0, (await ops.GetFromJsonAsync<JsonElement>("/api/admin/customers?phone=1390000")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task GrantAndDeductWriteTheLedgerAndTheAuditLogAndNeverOverdraw()
    {
        var id = await NewCustomerAsync();
        using var ops = await Host.SignedInClientAsync("ops");
        Assert.Equal(HttpStatusCode.OK, (await ops.PostAsJsonAsync($"/api/admin/customers/{id}/tickets", new { amount = 1500, reason = "活动赠送" })).StatusCode);
        var after = await (await ops.PostAsJsonAsync($"/api/admin/customers/{id}/tickets", new { amount = -500, reason = "误发扣回" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1000, after.GetProperty("customer").GetProperty("ticketBalance").GetInt64());
        var ledger = after.GetProperty("ledger").EnumerateArray().ToList();
        Assert.Equal([-500L, 1500L], ledger.Select(e => e.GetProperty("amount").GetInt64()));
        Assert.Equal("人工调整", ledger[0].GetProperty("kindLabel").GetString());
        Assert.Equal("ops", ledger[0].GetProperty("operatorName").GetString());

        var overdraw = await HttpSurfaceTests.AssertProblemAsync(await ops.PostAsJsonAsync($"/api/admin/customers/{id}/tickets", new { amount = -1001, reason = "超扣" }), HttpStatusCode.Conflict);
        Assert.Equal("礼票余额不足", overdraw.GetProperty("title").GetString());
        await HttpSurfaceTests.AssertProblemAsync(await ops.PostAsJsonAsync($"/api/admin/customers/{id}/tickets", new { amount = 0, reason = "零" }), HttpStatusCode.BadRequest);
        await HttpSurfaceTests.AssertProblemAsync(await ops.PostAsJsonAsync($"/api/admin/customers/{id}/tickets", new { amount = 10 }), HttpStatusCode.BadRequest);

        var detail = await ops.GetFromJsonAsync<JsonElement>($"/api/admin/customers/{id}");
        Assert.Equal(1000, detail.GetProperty("customer").GetProperty("ticketBalance").GetInt64());
        Assert.Equal(2, detail.GetProperty("ledgerTotal").GetInt32());

        using var admin = await Host.SignedInClientAsync("admin");
        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/admin/audit-log?action=tickets.adjust&pageSize=100");
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("targetId").GetString() == id.ToString()
            && e.GetProperty("beforeJson").GetString()!.Contains("1500") && e.GetProperty("afterJson").GetString()!.Contains("1000"));
    }

    [Fact]
    public async Task BlockingIsAuditedAndNeedsItsPermission()
    {
        var id = await DemoCustomerIdAsync("13700000003");
        using var finance = await Host.SignedInClientAsync("finance");
        await HttpSurfaceTests.AssertProblemAsync(await finance.PostAsJsonAsync($"/api/admin/customers/{id}/block", new { blocked = true, reason = "x" }), HttpStatusCode.Forbidden);
        await HttpSurfaceTests.AssertProblemAsync(await finance.PostAsJsonAsync($"/api/admin/customers/{id}/tickets", new { amount = 5, reason = "x" }), HttpStatusCode.Forbidden);
        using var ops = await Host.SignedInClientAsync("ops");
        var blocked = await (await ops.PostAsJsonAsync($"/api/admin/customers/{id}/block", new { blocked = true, reason = "反复开门不购买" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(blocked.GetProperty("customer").GetProperty("isBlocked").GetBoolean());
        Assert.Equal(1, (await ops.GetFromJsonAsync<JsonElement>("/api/admin/customers?phone=13700000003&blocked=true")).GetProperty("total").GetInt32());
        await ops.PostAsJsonAsync($"/api/admin/customers/{id}/block", new { blocked = false, reason = "核实后解除" });
        using var franchise = await Host.SignedInClientAsync("franchise");
        await HttpSurfaceTests.AssertProblemAsync(await franchise.GetAsync("/api/admin/customers"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task FiftyParallelDeductionsNeverOverdrawAndTheLedgerSumsToTheBalance()
    {
        var id = await NewCustomerAsync();
        var actor = StaffActor.System;
        await Host.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<TicketLedger>().PostAsync(id, TicketEntryKind.Grant, 2000, "并发测试", actor, null, CancellationToken.None);
            return await sp.GetRequiredService<CabinetOpsDbContext>().SaveChangesAsync();
        });

        var attempts = Enumerable.Range(0, 50).Select(i => Task.Run(() => Host.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<CabinetOpsDbContext>();
            await using var tx = await db.Database.BeginTransactionAsync();
            var r = await sp.GetRequiredService<TicketLedger>().PostAsync(id, TicketEntryKind.Payment, -100, "并发扣减", actor, $"ORDER-{i}", CancellationToken.None);
            // The ledger row goes in with the caller's save, in the caller's transaction.
            await db.SaveChangesAsync();
            await tx.CommitAsync();
            return r.IsSuccess;
        })));
        var results = await Task.WhenAll(attempts);

        Assert.Equal(20, results.Count(ok => ok));
        var (balance, sum, lowest) = await Host.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<CabinetOpsDbContext>();
            var b = await db.Customers.Where(c => c.Id == id).Select(c => c.TicketBalance).SingleAsync();
            var s = await db.TicketLedger.Where(e => e.CustomerId == id).SumAsync(e => e.Amount);
            var l = await db.TicketLedger.Where(e => e.CustomerId == id).MinAsync(e => e.BalanceAfter);
            return (b, s, l);
        });
        Assert.Equal(0, balance);
        Assert.Equal(balance, sum);
        Assert.True(lowest >= 0);
    }
}

public sealed class CustomerAdminOnSqlite(SqliteApp app) : CustomerAdminTests(app), IClassFixture<SqliteApp>;

public sealed class CustomerAdminOnPostgres(PostgresApp app) : CustomerAdminTests(app), IClassFixture<PostgresApp>;
