using CabinetOps.Server.Infrastructure.Messaging;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CabinetOps.BrowserTests;

/// <summary>A unit of work standing in for a vendor call that keeps failing.</summary>
public sealed record BrokenVendorCall(Guid Id) : IExternalWork
{
    public string Describe() => $"向测试系统推送数据（{Id.ToString("N")[..8]}）";
}

public static class BrokenVendorCallHandler
{
    public static void Handle(BrokenVendorCall call) => throw new InvalidOperationException("测试系统无响应");
}

[Collection(BrowserCollection.Name)]
public sealed class ManualWorkPageTests(BrowserFixture app)
{
    [Fact]
    public async Task EscalatedWorkShowsInTheQueueAndCanBeMarkedResolved()
    {
        var call = new BrokenVendorCall(Guid.NewGuid());
        await app.Host.EnqueueAsync(call);

        var page = await app.NewPageAsync();
        await AdminPages.SignInAsync(page, app.Host.Url, "ops", DemoData.Password);
        await AdminPages.WaitForCircuitAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "人工处理队列" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "人工处理队列" })).ToBeVisibleAsync();

        // Escalation takes the (test) retry schedule; refresh until the row is there.
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = call.Describe() });
        await Eventually.WaitAsync(async () =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "刷新" }).ClickAsync();
            return await row.CountAsync();
        }, n => n == 1, "the escalated work in the queue page");
        await Expect(row).ToContainTextAsync("测试系统无响应");
        await Expect(row).ToContainTextAsync("待处理");

        await row.GetByRole(AriaRole.Button, new() { Name = "标记已处理" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "标记已处理" }).ClickAsync();
        await Expect(page.GetByText("已标记为已处理")).ToBeVisibleAsync();
        await Expect(row).ToHaveCountAsync(0);
    }
}
