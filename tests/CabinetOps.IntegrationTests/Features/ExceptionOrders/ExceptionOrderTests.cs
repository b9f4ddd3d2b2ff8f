using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CabinetOps.IntegrationTests.Features.Orders;
using CabinetOps.Server.Features.DoorSessions;
using CabinetOps.Server.Features.ExceptionOrders;
using CabinetOps.Server.Features.Orders;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CabinetOps.IntegrationTests.Features.ExceptionOrders;

/// <summary>异常订单: the vendor's exception push and our interceptions enter one queue, and staff resolve them (issue #7).</summary>
public abstract class ExceptionOrderTests(AppFixture app) : OrderTestBase(app)
{
    private async Task WithXiaomaiFaultsAsync(string faults, string reset, Func<Task> action)
    {
        using var sandbox = Host.CreateHttpClient();
        (await sandbox.PostAsync($"/sandbox/xiaomai/faults?{faults}", null)).EnsureSuccessStatusCode();
        try
        {
            await action();
        }
        finally
        {
            (await sandbox.PostAsync($"/sandbox/xiaomai/faults?{reset}", null)).EnsureSuccessStatusCode();
        }
    }

    private Task<List<ExceptionOrder>> CasesAsync(Func<ExceptionOrder, bool> which) => Host.WithScopeAsync(async sp =>
        (await sp.GetRequiredService<CabinetOpsDbContext>().ExceptionOrders.AsNoTracking().ToListAsync()).Where(which).ToList());

    private Task<DoorSession> SessionAsync(string sessionNo) =>
        Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().DoorSessions.AsNoTracking().SingleAsync(s => s.SessionNo == sessionNo));

    private static Task<HttpResponseMessage> ResolveAsync(HttpClient staff, long id, string action, string note = "已查看录像", object[]? items = null) =>
        staff.PostAsJsonAsync($"/api/admin/exceptions/{id}/resolve", new { action, note, items });

    [Fact]
    public async Task AnExceptionPushDeliveredThreeTimesMakesOneCaseAndStaffChargeTheItemsTheySaw()
    {
        await EnsureCatalogueAsync();
        var device = await Host.NewCabinetAsync();
        var shelf = await ShelfAsync(device);
        var (client, customerId) = await CustomerAsync(100_000);
        var balance = await BalanceAsync(customerId);
        string sessionNo = "";
        await WithXiaomaiFaultsAsync("nextException=RECOGNITION_FAILED&duplicates=2", "nextException=&duplicates=0", async () =>
        {
            sessionNo = await ShopUntilAsync(client, device, "Tickets", "Closed", (shelf[0], 1), (shelf[1], 1));
            var session = await SessionAsync(sessionNo);
            await Eventually.WaitAsync(() => CasesAsync(c => c.DoorSessionId == session.Id), cs => cs.Count == 1, "the exception case");
        });
        // The same exception found again by the session query (a lost push is recovered that way), twice: still one case.
        for (var i = 0; i < 2; i++)
            await Host.WithScopeAsync(async sp =>
            {
                await sp.GetRequiredService<Wolverine.IMessageBus>().InvokeAsync(new CheckDoorSession((await SessionAsync(sessionNo)).Id));
                return true;
            });
        var session = await SessionAsync(sessionNo);
        var @case = Assert.Single(await CasesAsync(c => c.DoorSessionId == session.Id));
        Assert.Equal((ExceptionSource.Vendor, "RECOGNITION_FAILED", ExceptionStatus.Pending, shelf[0].PriceFen + shelf[1].PriceFen),
            (@case.Source, @case.Reason, @case.Status, @case.SuspectedTotal.Fen));
        Assert.Equal(DoorSessionStatus.Closed, session.Status);
        Assert.Null(await OrderOfAsync(sessionNo));

        using var ops = await Host.SignedInClientAsync("ops");
        var queue = await JsonAsync(await ops.GetAsync("/api/admin/exceptions?open=true&pageSize=100"));
        Assert.Contains(queue.GetProperty("items").EnumerateArray(), r => r.GetProperty("id").GetInt64() == @case.Id && r.GetProperty("reasonLabel").GetString() == "识别失败");
        Assert.Contains(queue.GetProperty("openByReason").EnumerateArray(), r => r.GetProperty("key").GetString() == "RECOGNITION_FAILED" && r.GetProperty("count").GetInt32() >= 1);
        Assert.NotEmpty(queue.GetProperty("openByStore").EnumerateArray());
        var detail = await JsonAsync(await ops.GetAsync($"/api/admin/exceptions/{@case.Id}"));
        Assert.Equal(["Charged", "Closed"], detail.GetProperty("allowed").EnumerateArray().Select(a => a.GetString()).ToList());
        Assert.Contains("top.mp4", detail.GetProperty("evidence").GetString());

        // Bad decisions change nothing: no note, no items, an action this case does not allow.
        Assert.Equal("validation", Code(await JsonAsync(await ResolveAsync(ops, @case.Id, "Charged", note: " ", items: [new { skuCode = shelf[0].Sku, quantity = 1 }]), HttpStatusCode.BadRequest)));
        Assert.Equal("validation", Code(await JsonAsync(await ResolveAsync(ops, @case.Id, "Charged"), HttpStatusCode.BadRequest)));
        Assert.Equal("exception-action-not-allowed", Code(await JsonAsync(await ResolveAsync(ops, @case.Id, "Approved"), HttpStatusCode.Conflict)));

        // The video shows one product only: staff charge that, twice at once (a double click) — once.
        await JsonAsync(await ops.PostAsync($"/api/admin/exceptions/{@case.Id}/take", null));
        var answers = await Task.WhenAll(ResolveAsync(ops, @case.Id, "Charged", "录像显示只拿了一件", [new { skuCode = shelf[0].Sku, quantity = 1 }]),
            ResolveAsync(ops, @case.Id, "Charged", "录像显示只拿了一件", [new { skuCode = shelf[0].Sku, quantity = 1 }]));
        foreach (var answer in answers)
            Assert.Equal("Resolved", (await JsonAsync(answer)).GetProperty("case").GetProperty("status").GetString());
        var order = await WaitForPaymentStatusAsync(sessionNo, PaymentStatus.Paid);
        Assert.Equal((shelf[0].PriceFen, session.WheatOrderNo), (order.TotalAmount.Fen, order.WheatOrderNo));
        Assert.Equal(balance - shelf[0].PriceFen * 5, await BalanceAsync(customerId));
        Assert.Equal(DoorSessionStatus.Settled, (await SessionAsync(sessionNo)).Status);
        var resolved = Assert.Single(await CasesAsync(c => c.Id == @case.Id));
        Assert.Equal((ExceptionResolution.Charged, order.Id, "ops"), (resolved.Resolution, resolved.OrderId, resolved.HandlerName));
        var actions = await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().AuditLog.AsNoTracking()
            .Where(a => a.TargetId == @case.CaseNo).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
        Assert.Equal(["exception.take", "exception.resolve"], actions);
    }

    [Fact]
    public async Task AHeldOrderIsChargedAsStaffSawItOrClosedWithNoCharge()
    {
        await EnsureCatalogueAsync();
        var device = await Host.NewCabinetAsync();
        var shelf = await ShelfAsync(device);
        var (client, customerId) = await CustomerAsync(100_000);
        var balance = await BalanceAsync(customerId);
        string first = "", second = "";
        await WithXiaomaiFaultsAsync("unknownSku=true", "unknownSku=false", async () =>
        {
            first = await ShopAsync(client, device, (shelf[0], 2));
            second = await ShopAsync(client, device, (shelf[1], 1));
        });
        var held = (await OrderOfAsync(first))!;
        Assert.Equal(OrderHold.UnknownProduct, held.Hold);
        var @case = Assert.Single(await CasesAsync(c => c.OrderId == held.Id));
        Assert.Equal((ExceptionSource.Interception, "UNKNOWN_PRODUCT"), (@case.Source, @case.Reason));

        using var ops = await Host.SignedInClientAsync("ops");
        // An unknown product has no price: it cannot be approved as it is.
        Assert.Equal(["Charged", "Closed"], (await JsonAsync(await ops.GetAsync($"/api/admin/exceptions/{@case.Id}"))).GetProperty("allowed").EnumerateArray()
            .Select(a => a.GetString()).ToList());
        await JsonAsync(await ResolveAsync(ops, @case.Id, "Charged", "未知商品为赠品，不收费", [new { skuCode = shelf[0].Sku, quantity = 2 }]));
        var charged = await WaitForPaymentStatusAsync(first, PaymentStatus.Paid);
        Assert.Equal((null, shelf[0].PriceFen * 2, 1), (charged.Hold, charged.TotalAmount.Fen, charged.Items.Count));

        var other = (await OrderOfAsync(second))!;
        var closing = Assert.Single(await CasesAsync(c => c.OrderId == other.Id));
        await JsonAsync(await ResolveAsync(ops, closing.Id, "Closed", "设备故障，整单免单"));
        Assert.Equal(PaymentStatus.Cancelled, (await OrderOfAsync(second))!.PaymentStatus);
        Assert.Equal(balance - shelf[0].PriceFen * 2 * 5, await BalanceAsync(customerId));
        Assert.Equal("exception-resolved", Code(await JsonAsync(await ResolveAsync(ops, closing.Id, "Charged", "改主意", [new { skuCode = shelf[1].Sku, quantity = 1 }]),
            HttpStatusCode.Conflict)));
    }

    [Fact]
    public async Task AFranchiseManagerSeesAndHandlesOnlyTheirStoresCases()
    {
        await EnsureCatalogueAsync();
        var device = await Host.NewCabinetAsync("SZ001");
        var shelf = await ShelfAsync(device);
        var (client, _) = await CustomerAsync(100_000);
        string sessionNo = "";
        await WithXiaomaiFaultsAsync("unknownSku=true", "unknownSku=false", async () => sessionNo = await ShopAsync(client, device, (shelf[0], 1)));
        var order = (await OrderOfAsync(sessionNo))!;
        var @case = Assert.Single(await CasesAsync(c => c.OrderId == order.Id));
        using var franchise = await Host.SignedInClientAsync("franchise");
        var franchiseStores = await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().Stores.AsNoTracking()
            .Where(s => s.StoreProperty == CabinetOps.Server.Features.Stores.StoreProperty.Franchise).Select(s => s.Id).ToListAsync());
        Assert.DoesNotContain(order.StoreId, franchiseStores);

        await JsonAsync(await franchise.GetAsync($"/api/admin/exceptions/{@case.Id}"), HttpStatusCode.NotFound);
        await JsonAsync(await ResolveAsync(franchise, @case.Id, "Closed"), HttpStatusCode.NotFound);
        Assert.DoesNotContain((await JsonAsync(await franchise.GetAsync("/api/admin/exceptions?pageSize=100"))).GetProperty("items").EnumerateArray(),
            r => r.GetProperty("id").GetInt64() == @case.Id);
        Assert.Equal(ExceptionStatus.Pending, Assert.Single(await CasesAsync(c => c.Id == @case.Id)).Status);
    }
}

public sealed class ExceptionOrderOnSqlite(SqliteApp app) : ExceptionOrderTests(app), IClassFixture<SqliteApp>;

public sealed class ExceptionOrderOnPostgres(PostgresApp app) : ExceptionOrderTests(app), IClassFixture<PostgresApp>;
