using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CabinetOps.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class CustomerPageTests(BrowserFixture app)
{
    [Fact]
    public async Task OperatorFindsACustomerByPhoneGrantsTicketsAndSeesTheLedgerRow()
    {
        var reason = "生日礼包" + Guid.NewGuid().ToString("N")[..4];
        var page = await app.NewPageAsync();
        await AdminPages.SignInAsync(page, app.Host.Url, "ops", DemoData.Password);
        await AdminPages.WaitForCircuitAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "用户管理" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "用户管理" })).ToBeVisibleAsync();

        await page.GetByLabel("完整手机号").FillAsync("13800000001");
        await page.GetByRole(AriaRole.Button, new() { Name = "查询" }).ClickAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "138****0001" });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "139****0002" })).ToHaveCountAsync(0);

        await row.GetByRole(AriaRole.Link, new() { Name = "详情" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "用户详情" })).ToBeVisibleAsync();
        await Expect(page.Locator("#payscore-state")).ToHaveTextAsync("未授权");
        var before = long.Parse(await page.Locator("#ticket-balance").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);

        await page.GetByLabel("礼票数量").FillAsync("1500");
        await page.GetByLabel("原因").FillAsync(reason);
        await page.GetByRole(AriaRole.Button, new() { Name = "提交调整" }).ClickAsync();
        await Expect(page.GetByText("已发放 1500 张礼票")).ToBeVisibleAsync();
        await Expect(page.Locator("#ticket-balance")).ToHaveTextAsync((before + 1500).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var ledgerRow = page.GetByRole(AriaRole.Row).Filter(new() { HasText = reason });
        await Expect(ledgerRow).ToContainTextAsync("+1500");
        await Expect(ledgerRow).ToContainTextAsync("发放");
        await Expect(ledgerRow).ToContainTextAsync("ops");
    }
}
