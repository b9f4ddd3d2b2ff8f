using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CabinetOps.BrowserTests;

/// <summary>
/// Against the server the test command starts with README's run command (embedded default):
/// it is ready, its sign-in page renders in Chromium, and the demo admin gets the shell.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class EmbeddedDefaultSmokeTests(BrowserFixture app)
{
    private static string Url => Environment.GetEnvironmentVariable("CABINETOPS_SMOKE_URL")
        ?? throw new InvalidOperationException("CABINETOPS_SMOKE_URL is not set: ./test.sh starts the server and sets it.");

    [Fact]
    public async Task ReadyzAnswers200()
    {
        using var http = new HttpClient();
        var response = await http.GetAsync(Url + "/readyz");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task DemoAdminSignsInOnTheRunningSystem()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync(Url + "/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "登录" })).ToBeVisibleAsync();
        await AdminPages.SignInAsync(page, Url, "admin", DemoData.Password);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "首页" })).ToBeVisibleAsync();
        await AdminPages.WaitForCircuitAsync(page);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "账号管理" })).ToBeVisibleAsync();
    }
}
