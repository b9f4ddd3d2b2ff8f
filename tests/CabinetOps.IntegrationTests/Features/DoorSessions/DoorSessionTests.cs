using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CabinetOps.IntegrationTests.Infrastructure;
using CabinetOps.Server.Features.DoorSessions;
using CabinetOps.Server.Features.Orders;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CabinetOps.IntegrationTests.Features.DoorSessions;

public abstract class DoorSessionTests(AppFixture app)
{
    private TestHost Host => app.Host;

    private async Task<(HttpClient Client, int Id)> CustomerAsync(long tickets = 1000)
    {
        var customer = await Host.CustomerClientAsync("door-" + Guid.NewGuid().ToString("N"));
        if (tickets > 0)
        {
            using var ops = await Host.SignedInClientAsync("ops");
            (await ops.PostAsJsonAsync($"/api/admin/customers/{customer.CustomerId}/tickets", new { amount = tickets, reason = "测试发放" })).EnsureSuccessStatusCode();
        }

        return customer;
    }

    private static Task<HttpResponseMessage> OpenAsync(HttpClient client, string device, string? key = null, string method = "Tickets") =>
        client.PostAsJsonAsync("/api/mp/sessions", new { deviceCode = device, paymentMethod = method, idempotencyKey = key ?? Guid.NewGuid().ToString("N") });

    private static async Task<JsonElement> PrecheckAsync(HttpClient client, string device)
    {
        var response = await client.PostAsJsonAsync("/api/mp/precheck", new { deviceCode = device });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static Task<JsonElement> SessionAsync(HttpClient client, string sessionNo) => client.GetFromJsonAsync<JsonElement>($"/api/mp/sessions/{sessionNo}");

    /// <summary>"Closed" also accepts "Settled": the vendor's order push settles a closed session a moment later.</summary>
    private static Task<JsonElement> WaitForStatusAsync(HttpClient client, string sessionNo, string status) =>
        Eventually.WaitAsync(() => SessionAsync(client, sessionNo),
            s => s.GetProperty("status").GetString() is { } now && (now == status || (status == "Closed" && now == "Settled")), $"session {sessionNo} {status}");

    private async Task<int> VendorSessionsAsync(string device)
    {
        using var sandbox = Host.CreateHttpClient();
        return (await sandbox.GetFromJsonAsync<JsonElement>("/sandbox/xiaomai/sessions")).EnumerateArray().Count(s => s.GetProperty("device_code").GetString() == device);
    }

    private async Task SandboxAsync(string path)
    {
        using var sandbox = Host.CreateHttpClient();
        (await sandbox.PostAsync(path, null)).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task TicketsOpenTheDoorAndDoorEventsMoveTheSessionToClosed()
    {
        var device = await Host.NewCabinetAsync();
        var (client, customerId) = await CustomerAsync();
        var check = await PrecheckAsync(client, device);
        Assert.True(check.GetProperty("canOpen").GetBoolean(), check.ToString());
        Assert.Equal("深圳欢乐谷儿童乐园", check.GetProperty("device").GetProperty("storeName").GetString());
        var tickets = check.GetProperty("methods").EnumerateArray().Single(m => m.GetProperty("method").GetString() == "Tickets");
        Assert.True(tickets.GetProperty("available").GetBoolean());

        var opened = await OpenAsync(client, device);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        var session = await opened.Content.ReadFromJsonAsync<JsonElement>();
        var no = session.GetProperty("sessionNo").GetString()!;
        Assert.Contains(session.GetProperty("status").GetString(), new[] { "Opening", "Opened" });

        var open = await WaitForStatusAsync(client, no, "Opened");
        Assert.Equal("门已打开，请取商品", open.GetProperty("statusLabel").GetString());
        // The device is taken while the door is open.
        Assert.Equal("device-busy", (await PrecheckAsync((await CustomerAsync()).Client, device)).GetProperty("refusalCode").GetString());

        await SandboxAsync($"/sandbox/xiaomai/devices/{device}/close");
        var closed = await WaitForStatusAsync(client, no, "Closed");
        Assert.False(closed.GetProperty("active").GetBoolean());
        Assert.Contains(closed.GetProperty("statusLabel").GetString(), new[] { "门已关闭，正在结算", "已结算" });

        var trail = await Host.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<CabinetOpsDbContext>();
            var s = await db.DoorSessions.SingleAsync(x => x.SessionNo == no);
            Assert.Equal(customerId, s.CustomerId);
            Assert.NotNull(s.WheatOrderNo);
            Assert.True(s.LastSessionSeq >= 2);
            return await db.DoorSessionTransitions.Where(t => t.SessionId == s.Id).OrderBy(t => t.Id).Select(t => t.To).ToListAsync();
        });
        Assert.Equal([DoorSessionStatus.Created, DoorSessionStatus.Opening, DoorSessionStatus.Opened, DoorSessionStatus.Closed], trail.Take(4));
        // Then settled by the (empty) order push, if it has been processed already.
        Assert.True(trail.Count == 4 || trail[4] == DoorSessionStatus.Settled, string.Join(", ", trail));
        // A closed session frees the device for the next customer.
        Assert.True((await PrecheckAsync((await CustomerAsync()).Client, device)).GetProperty("canOpen").GetBoolean());
    }

    [Fact]
    public async Task ThePersonAtAnOpenCabinetTakesAndPutsBackProductsFromItsShelf()
    {
        var device = await Host.NewCabinetAsync();
        var (client, _) = await CustomerAsync();
        using var sandbox = Host.CreateHttpClient();
        Task<HttpResponseMessage> TakeAsync(string sku, int quantity) => sandbox.PostAsync($"/sandbox/xiaomai/devices/{device}/take?sku={sku}&quantity={quantity}", null);

        var shelf = (await sandbox.GetFromJsonAsync<JsonElement>($"/sandbox/xiaomai/devices/{device}/shelf")).GetProperty("shelf").EnumerateArray().ToList();
        Assert.Equal(8, shelf.Count);
        Assert.All(shelf, i => Assert.True(i.GetProperty("unit_price_fen").GetInt64() > 0));
        var (a, b) = (shelf[0].GetProperty("sku_code").GetString()!, shelf[1].GetProperty("sku_code").GetString()!);
        // Nothing can be taken through a closed door.
        await HttpSurfaceTests.AssertProblemAsync(await TakeAsync(a, 1), HttpStatusCode.Conflict);

        var no = (await (await OpenAsync(client, device)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sessionNo").GetString()!;
        await WaitForStatusAsync(client, no, "Opened");
        (await TakeAsync(a, 2)).EnsureSuccessStatusCode();
        (await TakeAsync(b, 1)).EnsureSuccessStatusCode();
        var taken = await (await TakeAsync(a, -1)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal([(a, 1), (b, 1)], taken.GetProperty("taken").EnumerateArray().Select(t => (t.GetProperty("sku_code").GetString(), t.GetProperty("quantity").GetInt32())));
        // Refused, and nothing changes: a product not on this shelf, more put back than taken, more than a person can hold.
        await HttpSurfaceTests.AssertProblemAsync(await TakeAsync("NOT-ON-SHELF", 1), HttpStatusCode.Conflict);
        await HttpSurfaceTests.AssertProblemAsync(await TakeAsync(b, -2), HttpStatusCode.Conflict);
        await HttpSurfaceTests.AssertProblemAsync(await TakeAsync(b, 50), HttpStatusCode.Conflict);
        var after = await sandbox.GetFromJsonAsync<JsonElement>($"/sandbox/xiaomai/devices/{device}/shelf");
        Assert.Equal(2, after.GetProperty("taken").GetArrayLength());

        await SandboxAsync($"/sandbox/xiaomai/devices/{device}/close");
        await WaitForStatusAsync(client, no, "Closed");
        await HttpSurfaceTests.AssertProblemAsync(await TakeAsync(a, 1), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task TwentyParallelIdenticalOpensOpenTheDoorOnce()
    {
        var device = await Host.NewCabinetAsync();
        var (client, _) = await CustomerAsync();
        var key = Guid.NewGuid().ToString("N");
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => OpenAsync(client, device, key)));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var numbers = (await Task.WhenAll(answers.Select(a => a.Content.ReadFromJsonAsync<JsonElement>()))).Select(s => s.GetProperty("sessionNo").GetString()).Distinct().ToList();
        Assert.Single(numbers);
        Assert.Equal(1, await VendorSessionsAsync(device));
        Assert.Equal(1, await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().DoorSessions.CountAsync(s => s.IdempotencyKey == key)));
        await WaitForStatusAsync(client, numbers[0]!, "Opened");
        // A retry after the fact is the same session too.
        var later = await (await OpenAsync(client, device, key)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(numbers[0], later.GetProperty("sessionNo").GetString());
    }

    [Fact]
    public async Task SecondCustomerIsRefusedOnABusyDeviceAndACustomerHasOneActiveSession()
    {
        var device = await Host.NewCabinetAsync();
        var other = await Host.NewCabinetAsync();
        var (first, _) = await CustomerAsync();
        var session = await (await OpenAsync(first, device)).Content.ReadFromJsonAsync<JsonElement>();
        var (second, _) = await CustomerAsync();
        var busy = await HttpSurfaceTests.AssertProblemAsync(await OpenAsync(second, device), HttpStatusCode.Conflict);
        Assert.EndsWith("/device-busy", busy.GetProperty("type").GetString());
        var twice = await HttpSurfaceTests.AssertProblemAsync(await OpenAsync(first, other), HttpStatusCode.Conflict);
        Assert.EndsWith("/customer-active-session", twice.GetProperty("type").GetString());
        Assert.Equal(1, await VendorSessionsAsync(device));
        Assert.Equal(0, await VendorSessionsAsync(other));
        await WaitForStatusAsync(first, session.GetProperty("sessionNo").GetString()!, "Opened");
    }

    [Fact]
    public async Task EveryPrecheckRefusalHasItsCode()
    {
        async Task<string?> RefusalAsync(HttpClient c, string d) => (await PrecheckAsync(c, d)).GetProperty("refusalCode").GetString();
        var (client, customerId) = await CustomerAsync();
        using var ops = await Host.SignedInClientAsync("ops");

        Assert.Equal("device-not-found", await RefusalAsync(client, "NO-SUCH-DEVICE"));
        Assert.Equal("device-unbound", await RefusalAsync(client, await Host.NewCabinetAsync(storeCode: null)));

        var disabled = await Host.NewCabinetAsync();
        var disabledId = (await ops.GetFromJsonAsync<JsonElement>($"/api/admin/devices?search={disabled}")).GetProperty("items")[0].GetProperty("id").GetInt32();
        (await ops.PostAsJsonAsync($"/api/admin/devices/{disabledId}/status", new { enabled = false })).EnsureSuccessStatusCode();
        Assert.Equal("device-disabled", await RefusalAsync(client, disabled));

        var offline = await Host.NewCabinetAsync();
        await SandboxAsync($"/sandbox/xiaomai/devices/{offline}/online?online=false");
        await Eventually.WaitAsync(() => RefusalAsync(client, offline), r => r == "device-offline", "offline push applied");

        var poor = (await CustomerAsync(tickets: 0)).Client;
        var answer = await PrecheckAsync(poor, await Host.NewCabinetAsync());
        Assert.False(answer.GetProperty("canOpen").GetBoolean());
        Assert.Equal("no-payment-method", answer.GetProperty("refusalCode").GetString());
        var tickets = answer.GetProperty("methods").EnumerateArray().Single(m => m.GetProperty("method").GetString() == "Tickets");
        Assert.Equal("tickets-insufficient", tickets.GetProperty("reasonCode").GetString());
        await HttpSurfaceTests.AssertProblemAsync(await OpenAsync(poor, await Host.NewCabinetAsync()), HttpStatusCode.Conflict);

        var (unpaid, unpaidId) = await CustomerAsync();
        var device = await Host.NewCabinetAsync();
        await Host.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<CabinetOpsDbContext>();
            var d = await db.Devices.SingleAsync(x => x.DeviceCode == device);
            db.Orders.Add(new Order { OrderNo = "T" + Guid.NewGuid().ToString("N")[..16], DeviceId = d.Id, UserId = unpaidId, StoreId = d.StoreId!.Value,
                TotalAmount = new Money(350), OrderTime = DateTime.UtcNow, PaymentStatus = PaymentStatus.Unpaid, PaymentType = PaymentType.WeChat });
            return await db.SaveChangesAsync();
        });
        var withUnpaid = await PrecheckAsync(unpaid, device);
        Assert.Equal("unpaid-order", withUnpaid.GetProperty("refusalCode").GetString());
        Assert.Equal(3.50m, withUnpaid.GetProperty("unpaidOrder").GetProperty("totalAmount").GetDecimal());

        (await ops.PostAsJsonAsync($"/api/admin/customers/{customerId}/block", new { blocked = true, reason = "测试拉黑" })).EnsureSuccessStatusCode();
        Assert.Equal("customer-blocked", await RefusalAsync(client, await Host.NewCabinetAsync()));
        var blocked = await HttpSurfaceTests.AssertProblemAsync(await OpenAsync(client, await Host.NewCabinetAsync()), HttpStatusCode.Forbidden);
        Assert.Contains("无法使用", blocked.GetProperty("title").GetString());
    }

    [Fact]
    public async Task VendorRefusalOrOpenFailureFailsTheSessionAndFreesTheDevice()
    {
        // Our data says online, the vendor says offline (the push was lost): the vendor refuses.
        var device = await Host.NewCabinetAsync();
        await SandboxAsync("/sandbox/xiaomai/faults?drop=true");
        try
        {
            await SandboxAsync($"/sandbox/xiaomai/devices/{device}/online?online=false");
        }
        finally
        {
            await SandboxAsync("/sandbox/xiaomai/faults?drop=false");
        }

        var (client, _) = await CustomerAsync();
        var refused = await (await OpenAsync(client, device)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Failed", refused.GetProperty("status").GetString());
        Assert.Equal("DEVICE_OFFLINE", refused.GetProperty("failureCode").GetString());
        Assert.Contains("设备离线", refused.GetProperty("failureMessage").GetString());

        // The lock does not release: door.open_failed fails the session; the customer may scan again.
        var faulty = await Host.NewCabinetAsync();
        await SandboxAsync("/sandbox/xiaomai/faults?nextOpenFailure=LOCK_FAULT");
        var session = await (await OpenAsync(client, faulty)).Content.ReadFromJsonAsync<JsonElement>();
        var failed = await WaitForStatusAsync(client, session.GetProperty("sessionNo").GetString()!, "Failed");
        Assert.Equal("LOCK_FAULT", failed.GetProperty("failureCode").GetString());
        Assert.Contains("柜子故障", failed.GetProperty("failureMessage").GetString());
        Assert.True((await PrecheckAsync(client, await Host.NewCabinetAsync())).GetProperty("canOpen").GetBoolean());
    }

    [Fact]
    public async Task AnOpenWhoseAnswerIsLostIsResentWithTheSameSessionAndOpensOnce()
    {
        var device = await Host.NewCabinetAsync();
        var (client, _) = await CustomerAsync();
        await SandboxAsync("/sandbox/xiaomai/faults?nextOpen500=true");
        var session = await (await OpenAsync(client, device)).Content.ReadFromJsonAsync<JsonElement>();
        var no = session.GetProperty("sessionNo").GetString()!;
        await WaitForStatusAsync(client, no, "Opened");
        Assert.Equal(1, await VendorSessionsAsync(device));
        var wheat = await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().DoorSessions.Where(s => s.SessionNo == no).Select(s => s.WheatOrderNo).SingleAsync());
        Assert.NotNull(wheat);
    }

    [Fact]
    public async Task DuplicatedDoorEventsChangeNothing()
    {
        var device = await Host.NewCabinetAsync();
        var (client, _) = await CustomerAsync();
        await SandboxAsync("/sandbox/xiaomai/faults?duplicate=true");
        try
        {
            var no = (await (await OpenAsync(client, device)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sessionNo").GetString()!;
            await WaitForStatusAsync(client, no, "Opened");
            await SandboxAsync($"/sandbox/xiaomai/devices/{device}/close");
            await WaitForStatusAsync(client, no, "Settled");
            var pushes = await Eventually.WaitAsync(async () =>
            {
                using var sandbox = Host.CreateHttpClient();
                return (await sandbox.GetFromJsonAsync<JsonElement>("/sandbox/xiaomai/pushes")).EnumerateArray()
                    .Count(p => p.GetProperty("device_code").GetString() == device && p.GetProperty("delivered").GetBoolean());
            }, n => n >= 3, "door.opened, door.closed and order.completed delivered");
            Assert.True(pushes >= 3);
            var moves = await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().DoorSessionTransitions
                .CountAsync(t => sp.GetRequiredService<CabinetOpsDbContext>().DoorSessions.Any(s => s.Id == t.SessionId && s.SessionNo == no)));
            // Created, Opening, Opened, Closed, Settled: each once, however often the events came.
            Assert.Equal(5, moves);
        }
        finally
        {
            await SandboxAsync("/sandbox/xiaomai/faults?duplicate=false");
        }
    }

    [Fact]
    public async Task StoreCodeListsItsCabinetsWithTheirState()
    {
        var (client, _) = await CustomerAsync();
        var busy = await Host.NewCabinetAsync("GZ001");
        var no = (await (await OpenAsync(client, busy)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sessionNo").GetString()!;
        var store = await client.GetFromJsonAsync<JsonElement>("/api/mp/stores/GZ001/cabinets");
        Assert.Equal("广州天河运动馆", store.GetProperty("storeName").GetString());
        var cabinets = store.GetProperty("cabinets").EnumerateArray().ToDictionary(c => c.GetProperty("deviceCode").GetString()!, c => c.GetProperty("stateLabel").GetString());
        Assert.Equal("使用中", cabinets[busy]);
        Assert.Contains("GZ001-D02", cabinets.Keys);
        await HttpSurfaceTests.AssertProblemAsync(await client.GetAsync("/api/mp/stores/NOPE99/cabinets"), HttpStatusCode.NotFound);
        await WaitForStatusAsync(client, no, "Opened");
    }

    [Theory]
    [InlineData("{\"deviceCode\":\"SZ001-D01\",\"paymentMethod\":\"Tickets\",\"idempotencyKey\":\"short\"}", "IdempotencyKey")]
    [InlineData("{\"deviceCode\":\"SZ001-D01\",\"idempotencyKey\":\"abcdefgh12\"}", "PaymentMethod")]
    public async Task InvalidOpenRequestIsRejected(string body, string field)
    {
        var (client, _) = await CustomerAsync(tickets: 0);
        var problem = await HttpSurfaceTests.AssertProblemAsync(await client.PostAsync("/api/mp/sessions", new StringContent(body, System.Text.Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task SessionsAreOnlyVisibleToTheirCustomerAndNeedSignIn()
    {
        var device = await Host.NewCabinetAsync();
        var (client, _) = await CustomerAsync();
        var no = (await (await OpenAsync(client, device)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sessionNo").GetString()!;
        var (other, _) = await CustomerAsync(tickets: 0);
        await HttpSurfaceTests.AssertProblemAsync(await other.GetAsync($"/api/mp/sessions/{no}"), HttpStatusCode.NotFound);
        using var anonymous = Host.CreateHttpClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/mp/precheck", new { deviceCode = device })).StatusCode);
        await WaitForStatusAsync(client, no, "Opened");
    }
}

public sealed class DoorSessionsOnSqlite(SqliteApp app) : DoorSessionTests(app), IClassFixture<SqliteApp>;

public sealed class DoorSessionsOnPostgres(PostgresApp app) : DoorSessionTests(app), IClassFixture<PostgresApp>;
