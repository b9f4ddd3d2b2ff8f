using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CabinetOps.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class ProductPageTests(BrowserFixture app)
{
    [Fact]
    public async Task SyncNowBringsTheErpCatalogueIn()
    {
        var page = await app.NewPageAsync();
        await AdminPages.SignInAsync(page, app.Host.Url, "ops", DemoData.Password);
        await AdminPages.WaitForCircuitAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "商品管理" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "商品管理" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "立即同步" }).ClickAsync();
        // 240 new, or none when another test of this host synced first (the order test needs the catalogue too).
        await Expect(page.GetByText(new System.Text.RegularExpressions.Regex("同步完成：新增 (240|0)"))).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.Locator("#sync-runs")).ToContainTextAsync("成功");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "P10001" })).ToContainTextAsync("饮料");
        await Expect(page.GetByText("/ 共 240 条")).ToBeVisibleAsync();

        await page.GetByLabel("搜索编码、名称或条码").FillAsync("薯片");
        await page.GetByRole(AriaRole.Button, new() { Name = "查询" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "P10001" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "原味薯片" }).First).ToBeVisibleAsync();
    }
}
