using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CabinetOps.BrowserTests;

/// <summary>Steps shared by the browser tests, written by role and label (STYLE §4).</summary>
public static class AdminPages
{
    public static async Task SignInAsync(IPage page, string baseUrl, string userName, string password)
    {
        await page.GotoAsync(baseUrl + "/login");
        await page.GetByLabel("用户名").FillAsync(userName);
        await page.GetByLabel("密码").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
    }

    /// <summary>Picks an option of a MudSelect: open its combobox by label, then click the option's text in the open popover.</summary>
    public static async Task ChooseAsync(IPage page, ILocator scope, string label, string option)
    {
        await scope.GetByRole(AriaRole.Combobox, new() { Name = label, Exact = true }).ClickAsync();
        await page.Locator(".mud-popover-open").GetByText(option, new() { Exact = true }).ClickAsync();
    }

    /// <summary>Clicks before the circuit is up are lost (notes/ci-recipes.md): wait for the marker.</summary>
    public static Task WaitForCircuitAsync(IPage page) =>
        Expect(page.Locator("#app-state[data-interactive='true']")).ToBeAttachedAsync();
}
