using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CabinetOps.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class DevicePageTests(BrowserFixture app)
{
    [Fact]
    public async Task OperatorRegistersBindsAndPrintsACabinetAndSeesItGoOffline()
    {
        // The vendor has provisioned a new cabinet to our app (done in its console, not by us).
        var code = "XM-UI" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        using (var sandbox = app.Host.CreateHttpClient())
            (await sandbox.PostAsync($"/sandbox/xiaomai/devices?code={code}", null)).EnsureSuccessStatusCode();

        var page = await app.NewPageAsync();
        await AdminPages.SignInAsync(page, app.Host.Url, "ops", DemoData.Password);
        await AdminPages.WaitForCircuitAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "设备管理" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "设备管理" })).ToBeVisibleAsync();

        // A code the vendor does not know is refused in Chinese.
        await page.GetByRole(AriaRole.Button, new() { Name = "登记设备" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("设备编号").FillAsync("NO-SUCH-CAB");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "登记" }).ClickAsync();
        await Expect(page.GetByText("小麦系统中没有这台设备，请核对设备编号")).ToBeVisibleAsync();

        await dialog.GetByLabel("设备编号").FillAsync(code);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "登记" }).ClickAsync();
        await Expect(page.GetByText($"已登记设备 {code}")).ToBeVisibleAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = code });
        await Expect(row).ToContainTextAsync("未绑定");

        await row.GetByRole(AriaRole.Button, new() { Name = $"绑定 {code}" }).ClickAsync();
        await AdminPages.ChooseAsync(page, dialog, "门店", "SZ001 深圳欢乐谷儿童乐园");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "确定" }).ClickAsync();
        await Expect(page.GetByText($"设备 {code} 已绑定到 深圳欢乐谷儿童乐园")).ToBeVisibleAsync();
        await Expect(row).ToContainTextAsync("SZ001");
        await Expect(row).ToContainTextAsync("在线");

        // The QR code downloaded from the list reads back as the cabinet's URL.
        var href = await row.GetByRole(AriaRole.Link, new() { Name = $"二维码 PNG {code}" }).GetAttributeAsync("href");
        var png = await page.Context.APIRequest.GetAsync(app.Host.Url + href);
        Assert.Equal("image/png", png.Headers["content-type"]);
        Assert.Equal($"https://cab.example.com/d/{code}", QrDecoder.Decode(await png.BodyAsync()));

        // The printable sheet of the store lists the new cabinet with its label.
        await AdminPages.ChooseAsync(page, page.Locator("body"), "门店", "SZ001 深圳欢乐谷儿童乐园");
        var sheetHref = await page.GetByRole(AriaRole.Link, new() { Name = "打印本店二维码（A4）" }).GetAttributeAsync("href");
        var sheet = await page.Context.NewPageAsync();
        await sheet.GotoAsync(app.Host.Url + sheetHref);
        await Expect(sheet.Locator($"[data-device='{code}']")).ToContainTextAsync("深圳欢乐谷儿童乐园");
        await Expect(sheet.Locator($"[data-device='{code}'] svg")).ToBeVisibleAsync();

        // The sandbox console switches the cabinet off-line; its push reaches the list.
        var console = await page.Context.NewPageAsync();
        await console.GotoAsync(app.Host.Url + "/sandbox");
        var consoleRow = console.GetByRole(AriaRole.Row).Filter(new() { Has = console.GetByRole(AriaRole.Button, new() { Name = "模拟占用" }) }).Filter(new() { HasText = code });
        await consoleRow.GetByRole(AriaRole.Button, new() { Name = "设为离线" }).ClickAsync();
        await Expect(consoleRow).ToContainTextAsync("离线");
        await Eventually.WaitAsync(async () =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "查询" }).ClickAsync();
            return await row.InnerTextAsync();
        }, text => text.Contains("离线"), "the offline push shown in the list");
    }
}
