using System.Net.Http.Json;
using CabinetOps.Server.Features.Staff;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CabinetOps.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class SignInTests(BrowserFixture app)
{
    private string Url => app.Host.Url;

    [Fact]
    public async Task VisitorIsSentToTheSignInPage()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync(Url + "/");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "登录" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task DemoAdminSignsInAndSeesTheShell()
    {
        var page = await app.NewPageAsync();
        await AdminPages.SignInAsync(page, Url, "admin", DemoData.Password);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "首页" })).ToBeVisibleAsync();
        await AdminPages.WaitForCircuitAsync(page);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "账号管理" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "操作日志" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "人工处理队列" })).ToBeVisibleAsync();
        await Expect(page.GetByText("系统管理员（管理员）")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "账号管理" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "账号管理" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "franchise", Exact = true })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "退出登录" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "登录" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task WrongPasswordShowsAChineseMessage()
    {
        var page = await app.NewPageAsync();
        await AdminPages.SignInAsync(page, Url, "finance", "not-the-password1");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(StaffSignIn.WrongCredentials);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
    }

    [Fact]
    public async Task FiveWrongPasswordsLockTheAccount()
    {
        var userName = await CreateOperatorAsync();
        var page = await app.NewPageAsync();
        for (var i = 1; i <= 4; i++)
        {
            await AdminPages.SignInAsync(page, Url, userName, "wrong-pass1");
            await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(StaffSignIn.WrongCredentials);
        }

        await AdminPages.SignInAsync(page, Url, userName, "wrong-pass1");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("账号已锁定，请在 15 分钟后重试");
        await AdminPages.SignInAsync(page, Url, userName, "Secret123");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("账号已锁定");
    }

    [Fact]
    public async Task RoleWithoutPermissionGetsThe403PageAndThe403Api()
    {
        var page = await app.NewPageAsync();
        await AdminPages.SignInAsync(page, Url, "ops", DemoData.Password);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "首页" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "账号管理" })).ToHaveCountAsync(0);

        var response = await page.GotoAsync(Url + "/staff");
        Assert.Equal(403, response!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "403 无权访问" })).ToBeVisibleAsync();

        var api = await page.Context.APIRequest.GetAsync(Url + "/api/admin/staff");
        Assert.Equal(403, api.Status);
        Assert.Contains("application/problem+json", api.Headers["content-type"]);
    }

    private async Task<string> CreateOperatorAsync()
    {
        using var admin = await app.Host.SignedInClientAsync("admin");
        var userName = "lock" + Guid.NewGuid().ToString("N")[..6];
        var response = await admin.PostAsJsonAsync("/api/admin/staff", new { userName, displayName = "锁定测试", roleCode = Roles.Operator, password = "Secret123" });
        response.EnsureSuccessStatusCode();
        return userName;
    }
}
