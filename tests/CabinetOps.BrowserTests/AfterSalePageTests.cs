using System.Net.Http.Json;
using System.Text.Json;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CabinetOps.BrowserTests;

/// <summary>After-sale in the admin (issue #7): correct an order down and up, resolve an exception order, answer and resolve a complaint, and find each step in 操作日志.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AfterSalePageTests(BrowserFixture app)
{
    private TestHost Host => app.Host;

    /// <summary>A customer with tickets, a cabinet of its own with the catalogue synced, and the shelf.</summary>
    private async Task<(HttpClient Customer, string Device, (string Sku, long PriceFen)[] Shelf)> ShopperAsync()
    {
        using var ops = await Host.SignedInClientAsync("ops");
        if (!await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().Products.AnyAsync()))
        {
            var run = (await (await ops.PostAsync("/api/admin/products/sync-runs", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
            await Eventually.WaitAsync(() => ops.GetFromJsonAsync<JsonElement>($"/api/admin/products/sync-runs/{run}"), r => r.GetProperty("status").GetString() != "Running", "product sync");
        }

        var (customer, id) = await Host.CustomerClientAsync("after-sale-" + Guid.NewGuid().ToString("N"));
        (await ops.PostAsJsonAsync($"/api/admin/customers/{id}/tickets", new { amount = 100_000, reason = "测试发放" })).EnsureSuccessStatusCode();
        var device = await Host.NewCabinetAsync();
        return (customer, device, await Host.ShelfAsync(device));
    }

    private async Task<IPage> SignedInAsync(string user)
    {
        var page = await app.NewPageAsync();
        await AdminPages.SignInAsync(page, Host.Url, user, DemoData.Password);
        await AdminPages.WaitForCircuitAsync(page);
        return page;
    }

    /// <summary>操作日志, as the administrator (the staff who acted may not read it).</summary>
    private async Task<IPage> AuditLogAsync()
    {
        var page = await SignedInAsync("admin");
        await page.GetByRole(AriaRole.Link, new() { Name = "操作日志" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "操作日志" })).ToBeVisibleAsync();
        return page;
    }

    private static async Task SetQuantityAsync(IPage page, string productName, int quantity)
    {
        var input = page.Locator("#correction-lines tbody tr").Filter(new() { HasText = productName }).Locator("input");
        await input.FillAsync(quantity.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await input.BlurAsync();
    }

    [Fact]
    public async Task StaffCorrectAnOrderDownAndUpAndSeeTheRefundTheSupplementaryOrderAndTheAuditTrail()
    {
        var (customer, device, shelf) = await ShopperAsync();
        var sessionNo = await Host.ShopAsync(customer, device, "Tickets", "Settled", (shelf[0].Sku, 2), (shelf[1].Sku, 1));
        var order = await Eventually.WaitAsync(() => Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().Orders.AsNoTracking().Include(o => o.Items)
            .SingleAsync(o => sp.GetRequiredService<CabinetOpsDbContext>().DoorSessions.Any(s => s.Id == o.DoorSessionId && s.SessionNo == sessionNo))),
            o => o.PaymentStatus == CabinetOps.Server.Features.Orders.PaymentStatus.Paid, "the order paid");
        var first = order.Items.Single(i => i.SkuCode == shelf[0].Sku).Name;
        var second = order.Items.Single(i => i.SkuCode == shelf[1].Sku).Name;

        var page = await SignedInAsync("ops");
        await page.GotoAsync($"{Host.Url}/orders/{order.Id}");
        await AdminPages.WaitForCircuitAsync(page);

        // Down: one of the two was put back.
        await page.GetByRole(AriaRole.Button, new() { Name = "修正订单" }).ClickAsync();
        await SetQuantityAsync(page, first, 1);
        await Expect(page.Locator("#correction-preview")).ToContainTextAsync($"将退款 ¥{shelf[0].PriceFen / 100m:0.00}");
        await Expect(page.Locator("#correction-preview")).ToContainTextAsync("礼票");
        await page.GetByLabel("修正原因（必填）").FillAsync("顾客放回一件");
        await page.GetByRole(AriaRole.Button, new() { Name = "确认修正" }).ClickAsync();
        await Expect(page.GetByText("订单已修正")).ToBeVisibleAsync();
        await Expect(page.Locator("#corrections")).ToContainTextAsync($"{order.OrderNo}-C1");
        await Expect(page.Locator("#corrections")).ToContainTextAsync($"退款 ¥{shelf[0].PriceFen / 100m:0.00}");
        await Expect(page.Locator("#order-total")).ToHaveTextAsync($"¥{(shelf[0].PriceFen + shelf[1].PriceFen) / 100m:0.00}");

        // Up: the cameras missed two more of the second product.
        await page.GetByRole(AriaRole.Button, new() { Name = "修正订单" }).ClickAsync();
        await SetQuantityAsync(page, second, 3);
        await Expect(page.Locator("#correction-preview")).ToContainTextAsync($"将生成补扣订单 ¥{shelf[1].PriceFen * 2 / 100m:0.00}");
        await page.GetByLabel("修正原因（必填）").FillAsync("摄像头漏识别两件");
        await page.GetByRole(AriaRole.Button, new() { Name = "确认修正" }).ClickAsync();
        await Expect(page.GetByText("订单已修正")).ToBeVisibleAsync();
        var related = page.Locator("#related-orders tbody tr");
        await Expect(related).ToHaveCountAsync(1);
        await Expect(related).ToContainTextAsync("补扣");
        await Expect(related).ToContainTextAsync($"¥{shelf[1].PriceFen * 2 / 100m:0.00}");
        await Expect(related).ToContainTextAsync("已支付");

        // The 补扣 order links back to its original.
        await related.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.Locator("#related-orders")).ToContainTextAsync(order.OrderNo);

        page = await AuditLogAsync();
        var rows = page.GetByRole(AriaRole.Row).Filter(new() { HasText = order.OrderNo });
        await Expect(rows.Filter(new() { HasText = "订单修正" })).ToHaveCountAsync(2);
    }

    [Fact]
    public async Task StaffResolveAnExceptionOrderByChargingWhatTheySaw()
    {
        var (customer, device, shelf) = await ShopperAsync();
        using var sandbox = Host.CreateHttpClient();
        (await sandbox.PostAsync("/sandbox/xiaomai/faults?nextException=UNFRIENDLY_OPERATION", null)).EnsureSuccessStatusCode();
        var sessionNo = await Host.ShopAsync(customer, device, "Tickets", "Closed", (shelf[0].Sku, 1));
        var caseNo = await Eventually.WaitAsync(() => Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().ExceptionOrders.AsNoTracking()
            .Where(x => sp.GetRequiredService<CabinetOpsDbContext>().DoorSessions.Any(s => s.Id == x.DoorSessionId && s.SessionNo == sessionNo)).Select(x => x.CaseNo).FirstOrDefaultAsync()),
            no => no is not null, "the exception case");

        var page = await SignedInAsync("ops");
        await page.GetByRole(AriaRole.Link, new() { Name = "异常订单" }).ClickAsync();
        await Expect(page.Locator("#counts-by-reason")).ToContainTextAsync("非友好购物");
        await page.Locator("#exceptions tbody tr").Filter(new() { HasText = caseNo }).ClickAsync();
        await Expect(page.Locator("#case-no")).ToHaveTextAsync(caseNo!);
        await Expect(page.Locator("#case-evidence")).ToContainTextAsync("视频");
        // The form starts from the cameras' suspicion; staff confirm it against the video.
        await Expect(page.Locator("#charge-lines")).ToContainTextAsync(shelf[0].Sku);
        await page.GetByLabel("处理说明（必填）").FillAsync("录像确认拿走一件");
        await page.GetByRole(AriaRole.Button, new() { Name = "按核实商品收费" }).ClickAsync();
        await Expect(page.Locator("#case-status")).ToContainTextAsync("已处理");
        await Expect(page.Locator("#case-resolution")).ToContainTextAsync("录像确认拿走一件");
        await Expect(page.Locator("#case-order")).ToBeVisibleAsync();

        page = await AuditLogAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = caseNo }).Filter(new() { HasText = "处理异常订单" })).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task StaffReplyToAndResolveAComplaintAndTheCustomerSeesIt()
    {
        var (customer, device, shelf) = await ShopperAsync();
        var sessionNo = await Host.ShopAsync(customer, device, "Tickets", "Settled", (shelf[0].Sku, 1));
        var orderNo = (await customer.GetFromJsonAsync<JsonElement>($"/api/mp/sessions/{sessionNo}")).GetProperty("orderNo").GetString();
        var filed = await customer.PostAsJsonAsync("/api/mp/complaints", new { orderNo, type = "Product", description = "饮料已过期" });
        filed.EnsureSuccessStatusCode();
        var complaintNo = (await filed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("complaintNo").GetString()!;

        var page = await SignedInAsync("ops");
        await page.GetByRole(AriaRole.Link, new() { Name = "投诉管理" }).ClickAsync();
        await page.Locator("#complaints tbody tr").Filter(new() { HasText = complaintNo }).ClickAsync();
        await Expect(page.Locator("#complaint-description")).ToHaveTextAsync("饮料已过期");

        await page.GetByRole(AriaRole.Button, new() { Name = "回复顾客" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByLabel("回复内容（顾客在小程序中可见）").FillAsync("非常抱歉，已为您登记");
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "发送" }).ClickAsync();
        await Expect(page.Locator("#complaint-replies")).ToContainTextAsync("非常抱歉，已为您登记");
        await Expect(page.Locator("#complaint-status")).ToHaveTextAsync("处理中");

        await page.GetByRole(AriaRole.Button, new() { Name = "解决" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByLabel("处理结果（顾客可见）").FillAsync("已下架过期商品并补偿礼票");
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "解决" }).ClickAsync();
        await Expect(page.Locator("#complaint-status")).ToHaveTextAsync("已解决");
        await Expect(page.Locator("#complaint-resolution")).ToContainTextAsync("已下架过期商品并补偿礼票");

        var seen = await customer.GetFromJsonAsync<JsonElement>($"/api/mp/complaints/{complaintNo}");
        Assert.Equal(("已解决", "非常抱歉，已为您登记"), (seen.GetProperty("statusLabel").GetString(), seen.GetProperty("replies")[0].GetProperty("text").GetString()));

        page = await AuditLogAsync();
        var rows = page.GetByRole(AriaRole.Row).Filter(new() { HasText = complaintNo });
        await Expect(rows.Filter(new() { HasText = "回复投诉" })).ToHaveCountAsync(1);
        await Expect(rows.Filter(new() { HasText = "解决投诉" })).ToHaveCountAsync(1);
    }
}
