using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CabinetOps.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class StaffPageTests(BrowserFixture app)
{
    [Fact]
    public async Task AdminCreatesAnAccountWhichCanSignInThenDisablesIt()
    {
        var userName = "ui" + Guid.NewGuid().ToString("N")[..6];
        var page = await app.NewPageAsync();
        await AdminPages.SignInAsync(page, app.Host.Url, "admin", DemoData.Password);
        await AdminPages.WaitForCircuitAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "账号管理" }).ClickAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "新建账号" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("用户名").FillAsync(userName);
        await dialog.GetByLabel("初始密码").FillAsync("short");
        await dialog.GetByLabel("姓名").FillAsync("界面测试");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        await Expect(page.GetByText("密码至少 8 位，且须包含字母和数字")).ToBeVisibleAsync();

        await dialog.GetByLabel("初始密码").FillAsync("Secret123");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        await Expect(page.GetByText($"已创建账号 {userName}")).ToBeVisibleAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = userName });
        await Expect(row).ToContainTextAsync("运营");
        await Expect(row).ToContainTextAsync("正常");

        using (await app.Host.SignedInClientAsync(userName, "Secret123"))
        {
        }

        await row.GetByRole(AriaRole.Button, new() { Name = $"停用 {userName}" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "停用" }).ClickAsync();
        await Expect(row).ToContainTextAsync("已停用");

        var other = await app.NewPageAsync();
        await AdminPages.SignInAsync(other, app.Host.Url, userName, "Secret123");
        await Expect(other.GetByRole(AriaRole.Alert)).ToHaveTextAsync("账号已停用，请联系管理员");
    }
}
