using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CabinetOps.IntegrationTests.Infrastructure;
using MiniExcelLibs;

namespace CabinetOps.IntegrationTests.Features.Orders;

/// <summary>订单管理 through the admin API: filters, pages without totals, the detail, held orders visible, and the franchise scope.</summary>
public abstract class OrderAdminTests(AppFixture app) : OrderTestBase(app)
{
    private static async Task<JsonElement> GetAsync(HttpClient client, string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static List<string> OrderNos(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("orderNo").GetString()!).ToList();

    [Fact]
    public async Task StaffFindOrdersByEveryFilterAndReadTheDetailWithinTheirScope()
    {
        await EnsureCatalogueAsync();
        var device = await Host.NewCabinetAsync();
        var franchiseDevice = await Host.NewCabinetAsync("FS001");
        var shelf = await ShelfAsync(device);
        var (client, _) = await CustomerAsync(100_000);
        var first = await ShopAsync(client, device, (shelf[0], 2), (shelf[1], 1));
        var second = await ShopAsync(client, franchiseDevice, ((await ShelfAsync(franchiseDevice))[0], 1));
        var (a, b) = ((await OrderOfAsync(first))!, (await OrderOfAsync(second))!);
        using var ops = await Host.SignedInClientAsync("ops");

        Assert.Equal([a.OrderNo], OrderNos(await GetAsync(ops, $"/api/admin/orders?orderNo={a.OrderNo}")));
        Assert.Equal([a.OrderNo], OrderNos(await GetAsync(ops, $"/api/admin/orders?wheatOrderNo={a.WheatOrderNo}")));
        Assert.Equal([a.OrderNo], OrderNos(await GetAsync(ops, $"/api/admin/orders?deviceCode={device}")));
        Assert.Empty(OrderNos(await GetAsync(ops, $"/api/admin/orders?deviceCode={device}&paymentStatus=Unpaid")));
        Assert.Equal([a.OrderNo], OrderNos(await GetAsync(ops, $"/api/admin/orders?deviceCode={device}&paymentStatus=Paid&paymentType=Tickets&orderType=Normal&held=false")));
        var from = Uri.EscapeDataString(a.OrderTime.AddSeconds(-1).ToString("O"));
        Assert.Contains(a.OrderNo, OrderNos(await GetAsync(ops, $"/api/admin/orders?from={from}&pageSize=100")));
        Assert.Empty(OrderNos(await GetAsync(ops, $"/api/admin/orders?deviceCode={device}&to={from}")));
        // Newest first, one per page, and only "is there more" — no count of millions of rows.
        var paged = await GetAsync(ops, "/api/admin/orders?pageSize=1");
        Assert.True(paged.GetProperty("hasMore").GetBoolean());
        Assert.False(paged.TryGetProperty("total", out _));
        Assert.Equal(400, (await GetAsync(ops, "/api/admin/orders?pageSize=101", HttpStatusCode.BadRequest)).GetProperty("status").GetInt32());

        var row = (await GetAsync(ops, $"/api/admin/orders?orderNo={a.OrderNo}")).GetProperty("items")[0];
        Assert.Equal(("已支付", 3), (row.GetProperty("statusLabel").GetString(), row.GetProperty("itemCount").GetInt32()));
        var detail = await GetAsync(ops, $"/api/admin/orders/{a.Id}");
        Assert.Equal(2, detail.GetProperty("items").GetArrayLength());
        Assert.Equal(shelf[0].PriceFen / 100m, detail.GetProperty("items")[0].GetProperty("vendorUnitPrice").GetDecimal());
        Assert.Equal("Tickets", detail.GetProperty("payments")[0].GetProperty("channel").GetString());
        Assert.Contains(detail.GetProperty("session").EnumerateArray(), s => s.GetProperty("to").GetString() == "已结算");

        // A franchise manager sees the orders of their stores only; another store's order reads as absent.
        using var franchise = await Host.SignedInClientAsync("franchise");
        Assert.Empty(OrderNos(await GetAsync(franchise, $"/api/admin/orders?orderNo={a.OrderNo}")));
        await GetAsync(franchise, $"/api/admin/orders/{a.Id}", HttpStatusCode.NotFound);
        Assert.Equal([b.OrderNo], OrderNos(await GetAsync(franchise, $"/api/admin/orders?orderNo={b.OrderNo}")));
        Assert.Equal(b.OrderNo, (await GetAsync(franchise, $"/api/admin/orders/{b.Id}")).GetProperty("order").GetProperty("orderNo").GetString());
    }

    [Fact]
    public async Task AHeldOrderIsListedWithItsReasonAndUncharged()
    {
        await EnsureCatalogueAsync();
        var device = await Host.NewCabinetAsync();
        var shelf = await ShelfAsync(device);
        var (client, _) = await CustomerAsync(1_000_000);
        var no = await ShopAsync(client, device, (shelf[0], 20), (shelf[1], 1));
        var order = (await OrderOfAsync(no))!;
        using var ops = await Host.SignedInClientAsync("ops");

        var row = (await GetAsync(ops, $"/api/admin/orders?deviceCode={device}&held=true")).GetProperty("items")[0];
        Assert.Equal((order.OrderNo, "审核中", "ItemCountOverLimit", "数量超限"),
            (row.GetProperty("orderNo").GetString(), row.GetProperty("statusLabel").GetString(), row.GetProperty("hold").GetString(), row.GetProperty("holdLabel").GetString()));
        Assert.Equal([order.OrderNo], OrderNos(await GetAsync(ops, $"/api/admin/orders?deviceCode={device}&held=true&paymentStatus=Unpaid")));
        Assert.Empty((await GetAsync(ops, $"/api/admin/orders/{order.Id}")).GetProperty("payments").EnumerateArray());
    }

    [Fact]
    public async Task TheFilteredListIsExportedToExcelInTheBackgroundForWhoeverAskedForIt()
    {
        await EnsureCatalogueAsync();
        var device = await Host.NewCabinetAsync();
        var shelf = await ShelfAsync(device);
        var (client, _) = await CustomerAsync(100_000);
        var sessions = new[] { await ShopAsync(client, device, (shelf[0], 1)), await ShopAsync(client, device, (shelf[1], 2), (shelf[2], 1)) };
        var orders = new[] { (await OrderOfAsync(sessions[0]))!, (await OrderOfAsync(sessions[1]))! };
        using var ops = await Host.SignedInClientAsync("ops");

        var started = await ops.PostAsync($"/api/admin/orders/exports?deviceCode={device}", null);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var done = await Eventually.WaitAsync(() => GetAsync(ops, $"/api/admin/orders/exports/{id}"), e => e.GetProperty("status").GetString() is "Succeeded" or "Failed", "export written");
        Assert.Equal(("Succeeded", 2, 2), (done.GetProperty("status").GetString(), done.GetProperty("rowsWritten").GetInt32(), done.GetProperty("totalRows").GetInt32()));

        var file = await ops.GetAsync(done.GetProperty("downloadUrl").GetString());
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", file.Content.Headers.ContentType?.MediaType);
        var rows = (await file.Content.ReadAsStreamAsync()).Query(useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        // Newest first, as the list shows them.
        Assert.Equal([orders[1].OrderNo, orders[0].OrderNo], rows.Select(r => r["订单号"]?.ToString()));
        Assert.Equal(orders[1].TotalAmount.Fen / 100m, Convert.ToDecimal(rows[0]["订单金额（元）"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("已支付", rows[0]["状态"]);

        // Someone else's export is not theirs to read or download.
        using var admin = await Host.SignedInClientAsync("admin");
        await GetAsync(admin, $"/api/admin/orders/exports/{id}", HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/admin/orders/exports/{id}/file")).StatusCode);
    }
}

public sealed class OrderAdminOnSqlite(SqliteApp app) : OrderAdminTests(app), IClassFixture<SqliteApp>;

public sealed class OrderAdminOnPostgres(PostgresApp app) : OrderAdminTests(app), IClassFixture<PostgresApp>;
