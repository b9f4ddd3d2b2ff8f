using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CabinetOps.Bench;

/// <summary>
/// 订单管理 over millions of orders (issue #6: first page p95 ≤ 50 ms, any filter ≤ 200 ms): one
/// signed-in staff member asks for each filter again and again through the admin API, one request
/// at a time, the way a person pages and filters. The orders come from bench/order-list.seed.sql.
/// </summary>
public static class OrderListBench
{
    public static async Task<int> RunAsync(string baseUrl, int requests)
    {
        using var ops = new HttpClient(new SocketsHttpHandler { UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(baseUrl) };
        (await ops.PostAsJsonAsync("/api/admin/auth/login", new { userName = "ops", password = "Demo@2026" })).EnsureSuccessStatusCode();
        var first = (await ops.GetFromJsonAsync<JsonElement>("/api/admin/orders?pageSize=20")).GetProperty("items");
        var someOrder = first[5];
        var store = (await ops.GetFromJsonAsync<JsonElement>("/api/admin/stores?pageSize=1")).GetProperty("items")[0].GetProperty("id").GetInt32();
        var week = Uri.EscapeDataString(DateTime.UtcNow.AddDays(-7).ToString("O", CultureInfo.InvariantCulture));
        var month = Uri.EscapeDataString(DateTime.UtcNow.AddDays(-30).ToString("O", CultureInfo.InvariantCulture));
        (string Name, string Query, bool FirstPage)[] scenarios =
        [
            ("first page, no filter", "", true),
            ("page 50", "page=50", false),
            ("store", $"storeId={store}", false),
            ("device", $"deviceCode={someOrder.GetProperty("deviceCode").GetString()}", false),
            ("last 7 days", $"from={week}", false),
            ("order no", $"orderNo={someOrder.GetProperty("orderNo").GetString()}", false),
            ("wheat order no", $"wheatOrderNo={someOrder.GetProperty("wheatOrderNo").GetString()}", false),
            ("phone (顾客一)", "phone=13800000001", false),
            ("status failed", "paymentStatus=Failed", false),
            ("status unpaid", "paymentStatus=Unpaid", false),
            ("status cancelled (none)", "paymentStatus=Cancelled", false),
            ("tickets", "paymentType=Tickets", false),
            ("supplementary (补扣)", "orderType=Supplementary", false),
            ("held", "held=true", false),
            ("store + failed + 30 days", $"storeId={store}&paymentStatus=Failed&from={month}", false),
            ("store + held", $"storeId={store}&held=true", false),
        ];

        Console.WriteLine($"{"scenario",-26} {"rows",5} {"p50 ms",8} {"p95 ms",8} {"max ms",8}  target");
        var met = true;
        foreach (var (name, query, firstPage) in scenarios)
        {
            var times = new List<double>();
            var rows = 0;
            for (var n = 0; n < requests + 10; n++)
            {
                var sw = Stopwatch.StartNew();
                using var response = await ops.GetAsync($"/api/admin/orders?pageSize=20&{query}");
                var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                sw.Stop();
                if (!response.IsSuccessStatusCode)
                    throw new InvalidOperationException($"{name}: {(int)response.StatusCode} {body}");
                rows = body.GetProperty("items").GetArrayLength();
                if (n >= 10)
                    times.Add(sw.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            var p95 = times[(int)Math.Ceiling(0.95 * times.Count) - 1];
            var target = firstPage ? 50 : 200;
            met &= p95 <= target;
            Console.WriteLine($"{name,-26} {rows,5} {times[times.Count / 2],8:0.0} {p95,8:0.0} {times[^1],8:0.0}  p95 ≤ {target} {(p95 <= target ? "met" : "NOT met")}");
        }

        return met ? 0 : 1;
    }
}
