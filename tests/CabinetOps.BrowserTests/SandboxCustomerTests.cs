using CabinetOps.Server.Infrastructure.Persistence;
using System.Net.Http.Json;
using CabinetOps.TestSupport;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CabinetOps.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class SandboxCustomerTests(BrowserFixture app)
{
    [Fact]
    public async Task TwoProductsTakenInTheConsoleShowAsAPaidOrderWithBothItemsInTheAdmin()
    {
        // The catalogue comes from the ERP; schedules are off in tests, so staff sync it once.
        using (var ops = await app.Host.SignedInClientAsync("ops"))
        {
            var run = await (await ops.PostAsync("/api/admin/products/sync-runs", null)).Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
            await Eventually.WaitAsync(() => ops.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/admin/products/sync-runs/{run.GetProperty("id").GetInt64()}"),
                r => r.GetProperty("status").GetString() != "Running", "product sync");
        }

        var page = await app.NewPageAsync();
        await page.GotoAsync(app.Host.Url + "/sandbox");
        await page.GetByLabel("顾客").SelectOptionAsync(new SelectOptionValue { Label = "顾客一（13800000001）" });
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(page.Locator("#mc-who")).ToContainTextAsync("已登录");
        await page.GetByLabel("柜子编号").FillAsync("SZ001-D01");
        await page.GetByRole(AriaRole.Button, new() { Name = "扫码", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "用礼票开门" }).ClickAsync();
        await Expect(page.Locator("#mc-session")).ToHaveTextAsync("门已打开，请取商品");

        var console = await app.NewPageAsync();
        await console.GotoAsync(app.Host.Url + "/sandbox");
        var shelf = console.Locator("tr.shelf[data-device='SZ001-D01']");
        // The two cheapest products ("拿 {name} ¥{price}"), so 顾客一's tickets cover them.
        var take = shelf.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^拿 ") });
        var labels = await take.AllTextContentsAsync();
        var cheapest = labels.Select(l => (Name: l["拿 ".Length..].Split(' ')[0], Price: decimal.Parse(l[(l.LastIndexOf('¥') + 1)..], System.Globalization.CultureInfo.InvariantCulture), Label: l))
            .OrderBy(p => p.Price).Take(2).ToList();
        await shelf.GetByRole(AriaRole.Button, new() { Name = cheapest[0].Label, Exact = true }).ClickAsync();
        await Expect(shelf.Locator(".taken")).ToHaveCountAsync(1);
        await shelf.GetByRole(AriaRole.Button, new() { Name = cheapest[1].Label, Exact = true }).ClickAsync();
        await Expect(shelf.Locator(".taken")).ToHaveCountAsync(2);
        var (first, second) = (cheapest[0].Name, cheapest[1].Name);
        await page.Locator("#mc-close").ClickAsync();
        await Expect(page.Locator("#mc-session")).ToHaveTextAsync("已结算");

        var admin = await app.NewPageAsync();
        await AdminPages.SignInAsync(admin, app.Host.Url, "ops", DemoData.Password);
        await admin.GotoAsync(app.Host.Url + "/orders");
        var row = admin.Locator("#order-list tbody tr").Filter(new() { HasText = "SZ001-D01" }).First;
        await Expect(row).ToContainTextAsync("已支付");
        await Expect(row).ToContainTextAsync("等 2 件");
        await AdminPages.WaitForCircuitAsync(admin);
        await row.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(admin.Locator("#order-status")).ToHaveTextAsync("已支付");
        await Expect(admin.Locator("#order-items tbody tr")).ToHaveCountAsync(2);
        await Expect(admin.Locator("#order-items")).ToContainTextAsync(first);
        await Expect(admin.Locator("#order-items")).ToContainTextAsync(second);
    }

    [Fact]
    public async Task SimulatedCustomerScansOpensWithTicketsTakesAProductAndClosingTheDoorSettlesTheSession()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync(app.Host.Url + "/sandbox");
        await page.GetByLabel("顾客").SelectOptionAsync(new SelectOptionValue { Label = "顾客一（13800000001）" });
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(page.Locator("#mc-who")).ToContainTextAsync("已登录");

        await page.GetByLabel("柜子编号").FillAsync("SZ002-D02");
        await page.GetByRole(AriaRole.Button, new() { Name = "扫码", Exact = true }).ClickAsync();
        await Expect(page.Locator("#mc-check")).ToContainTextAsync("可以开门");
        await Expect(page.Locator("#mc-check")).ToContainTextAsync("礼票可用");

        await page.GetByRole(AriaRole.Button, new() { Name = "用礼票开门" }).ClickAsync();
        await Expect(page.Locator("#mc-session")).ToHaveTextAsync("门已打开，请取商品");
        await Expect(page.Locator("#mc-door")).ToHaveTextAsync("已打开");

        // Someone at the cabinet takes a product from its shelf (the console's table, in a second tab).
        var console = await app.NewPageAsync();
        await console.GotoAsync(app.Host.Url + "/sandbox");
        var shelf = console.Locator("tr.shelf[data-device='SZ002-D02']");
        await shelf.GetByRole(AriaRole.Button).First.ClickAsync();
        await Expect(shelf.Locator(".taken")).ToHaveCountAsync(1);
        await Expect(shelf.Locator(".taken")).ToContainTextAsync("× 1");

        // Closed, then settled by the vendor's order push.
        await page.Locator("#mc-close").ClickAsync();
        await Expect(page.Locator("#mc-door")).ToHaveTextAsync("已关闭上锁");
        await Expect(page.Locator("#mc-session")).ToHaveTextAsync("已结算");
    }

    [Fact]
    public async Task SimulatedCustomerAuthorisesPayScoreAndOpensWithIt()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync(app.Host.Url + "/sandbox");
        await page.GetByLabel("顾客").SelectOptionAsync(new SelectOptionValue { Label = "顾客二（13900000002）" });
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(page.Locator("#mc-who")).ToContainTextAsync("已登录");
        await page.GetByLabel("柜子编号").FillAsync("GZ001-D02");
        await page.GetByRole(AriaRole.Button, new() { Name = "扫码", Exact = true }).ClickAsync();
        await Expect(page.Locator("#mc-check")).ToContainTextAsync("微信支付分不可用（请先开通微信支付分");

        await page.GetByRole(AriaRole.Button, new() { Name = "开通微信支付分" }).ClickAsync();
        await Expect(page.Locator("#mc-ps")).ToHaveTextAsync("支付分：已授权");
        await page.GetByRole(AriaRole.Button, new() { Name = "扫码", Exact = true }).ClickAsync();
        await Expect(page.Locator("#mc-check")).ToContainTextAsync("微信支付分可用");

        await page.GetByRole(AriaRole.Button, new() { Name = "用微信支付分开门" }).ClickAsync();
        await Expect(page.Locator("#mc-session")).ToHaveTextAsync("门已打开，请取商品");
        await page.Locator("#mc-close").ClickAsync();
        await Expect(page.Locator("#mc-session")).ToHaveTextAsync("已结算");
    }
}
