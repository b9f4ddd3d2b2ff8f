using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CabinetOps.IntegrationTests.Features.Products;
using CabinetOps.IntegrationTests.Infrastructure;
using CabinetOps.Server.Features.DoorSessions;
using CabinetOps.Server.Features.Orders;
using CabinetOps.Server.Features.Tickets;
using CabinetOps.Server.Infrastructure.Persistence;
using CabinetOps.Server.Integrations.Xiaomai;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CabinetOps.IntegrationTests.Features.Orders;

/// <summary>What the order tests share: the catalogue, customers, a shopping trip through the sandbox cabinet, and reading the result.</summary>
public abstract class OrderTestBase(AppFixture app)
{
    protected TestHost Host => app.Host;

    protected async Task EnsureCatalogueAsync()
    {
        if (await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().Products.AnyAsync()))
            return;
        using var ops = await Host.SignedInClientAsync("ops");
        Assert.Equal("Succeeded", (await ProductSyncTests.SyncAsync(ops)).GetProperty("status").GetString());
    }

    protected async Task<(HttpClient Client, int Id)> CustomerAsync(long tickets)
    {
        var customer = await Host.CustomerClientAsync("order-" + Guid.NewGuid().ToString("N"));
        using var ops = await Host.SignedInClientAsync("ops");
        (await ops.PostAsJsonAsync($"/api/admin/customers/{customer.CustomerId}/tickets", new { amount = tickets, reason = "测试发放" })).EnsureSuccessStatusCode();
        return customer;
    }

    protected sealed record ShelfProduct(string Sku, long PriceFen);

    /// <summary>Opens <paramref name="device"/> with tickets, takes the products, closes, and waits for the session to settle.</summary>
    protected Task<string> ShopAsync(HttpClient client, string device, params (ShelfProduct Product, int Quantity)[] take) => ShopAsync(client, device, "Tickets", take);

    protected Task<string> ShopAsync(HttpClient client, string device, string method, params (ShelfProduct Product, int Quantity)[] take) =>
        ShopUntilAsync(client, device, method, "Settled", take);

    /// <summary>As <see cref="ShopAsync(HttpClient, string, string, (ShelfProduct, int)[])"/>, waiting for the session to reach <paramref name="status"/> (Closed: the vendor could not settle it).</summary>
    protected Task<string> ShopUntilAsync(HttpClient client, string device, string method, string status, params (ShelfProduct Product, int Quantity)[] take) =>
        Host.ShopAsync(client, device, method, status, take.Select(t => (t.Product.Sku, t.Quantity)).ToArray());

    protected async Task<ShelfProduct[]> ShelfAsync(string device) => (await Host.ShelfAsync(device)).Select(p => new ShelfProduct(p.Sku, p.PriceFen)).ToArray();

    protected Task<Order?> OrderOfAsync(string sessionNo) => Host.WithScopeAsync(sp =>
    {
        var db = sp.GetRequiredService<CabinetOpsDbContext>();
        return db.Orders.AsNoTracking().Include(o => o.Items)
            .Where(o => db.DoorSessions.Any(s => s.Id == o.DoorSessionId && s.SessionNo == sessionNo)).SingleOrDefaultAsync();
    });

    protected Task<long> BalanceAsync(int customerId) =>
        Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().Customers.Where(c => c.Id == customerId).Select(c => c.TicketBalance).SingleAsync());

    protected async Task<JsonElement> WechatOrderAsync(string sessionNo)
    {
        using var sandbox = Host.CreateHttpClient();
        return await sandbox.GetFromJsonAsync<JsonElement>($"/sandbox/wechatpay/orders/{sessionNo}");
    }

    protected Task<Order> WaitForPaymentStatusAsync(string sessionNo, PaymentStatus status) =>
        Eventually.WaitAsync(async () => (await OrderOfAsync(sessionNo))!, o => o.PaymentStatus == status, $"order of {sessionNo} {status}");

    /// <summary>The money WeChat moved for one out_trade_no / out_order_no (the simulator's ledger).</summary>
    protected async Task<List<(string Kind, long Amount)>> LedgerAsync(string tradeNo)
    {
        using var sandbox = Host.CreateHttpClient();
        return (await sandbox.GetFromJsonAsync<JsonElement>("/sandbox/wechatpay/ledger")).EnumerateArray()
            .Where(e => e.GetProperty("out_trade_no").GetString() == tradeNo)
            .Select(e => (e.GetProperty("kind").GetString()!, e.GetProperty("amount").GetInt64())).ToList();
    }

    /// <summary>Runs <paramref name="action"/> with a simulator fault switched on, and always switches it off again.</summary>
    protected async Task WithWechatPayFaultAsync(string fault, Func<Task> action)
    {
        using var sandbox = Host.CreateHttpClient();
        (await sandbox.PostAsync($"/sandbox/wechatpay/faults?{fault}=true", null)).EnsureSuccessStatusCode();
        try
        {
            await action();
        }
        finally
        {
            (await sandbox.PostAsync($"/sandbox/wechatpay/faults?{fault}=false", null)).EnsureSuccessStatusCode();
        }
    }

    protected static string? Code(JsonElement problem) => problem.GetProperty("type").GetString()?.Split('/')[^1];

    protected static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    protected static async Task<JsonElement> PayAsync(HttpClient client, string orderNo, string? method = null, HttpStatusCode expected = HttpStatusCode.OK) =>
        await JsonAsync(await client.PostAsJsonAsync($"/api/mp/orders/{orderNo}/pay", new { method }), expected);

    protected static async Task<JsonElement> CheckAsync(HttpClient client, string orderNo) =>
        await JsonAsync(await client.PostAsync($"/api/mp/orders/{orderNo}/payment-check", null));

    /// <summary>The customer pays in WeChat what <c>wx.requestPayment</c> was given (the simulator finds the order by its prepay id).</summary>
    protected async Task PayInWechatAsync(JsonElement requestPayment)
    {
        var prepayId = requestPayment.GetProperty("package").GetString()!["prepay_id=".Length..];
        using var sandbox = Host.CreateHttpClient();
        (await sandbox.PostAsync($"/sandbox/wechatpay/prepay/{prepayId}/pay", null)).EnsureSuccessStatusCode();
    }
}
