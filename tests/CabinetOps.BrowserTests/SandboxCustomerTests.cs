using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CabinetOps.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class SandboxCustomerTests(BrowserFixture app)
{
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
