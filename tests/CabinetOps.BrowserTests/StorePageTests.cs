using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CabinetOps.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class StorePageTests(BrowserFixture app)
{
    [Fact]
    public async Task OperatorCreatesAStoreAndDownloadsItsQrCode()
    {
        var code = "UI" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var page = await app.NewPageAsync();
        await AdminPages.SignInAsync(page, app.Host.Url, "ops", DemoData.Password);
        await AdminPages.WaitForCircuitAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "门店管理" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "门店管理" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "新建门店" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("门店编码").FillAsync(code);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        await Expect(page.GetByText("请输入门店名称")).ToBeVisibleAsync();

        await dialog.GetByLabel("门店名称").FillAsync("界面新建乐园");
        await dialog.GetByLabel("地址").FillAsync("深圳市福田区测试路 8 号");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        await Expect(page.GetByText($"已创建门店 {code}")).ToBeVisibleAsync();

        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = code });
        await Expect(row).ToContainTextAsync("界面新建乐园");
        await Expect(row).ToContainTextAsync("儿童");
        await Expect(row).ToContainTextAsync("启用");

        var href = await row.GetByRole(AriaRole.Link, new() { Name = $"二维码 PNG {code}" }).GetAttributeAsync("href");
        var png = await page.Context.APIRequest.GetAsync(app.Host.Url + href);
        Assert.Equal(200, png.Status);
        Assert.Equal("image/png", png.Headers["content-type"]);
    }
}
