using System.Linq.Expressions;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using CabinetOps.Server.Features.DoorSessions;
using CabinetOps.Server.Infrastructure.Persistence;
using CabinetOps.Server.Integrations.Xiaomai;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CabinetOps.IntegrationTests.Features.DoorSessions;

/// <summary>
/// The safety net stored with every session: a request that dies after the session's insert and
/// before the vendor's answer is applied (a crash, a lost process) leaves nothing else scheduled.
/// </summary>
public sealed class DoorSessionSafetyNetTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ASessionWhoseOpenRequestDiedAfterTheInsertIsExpiredAndTheCustomerCanOpenAgain(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var opens = new StrongBox<int>();
        await using var host = new TestHost(database,
            services => services.AddHttpClient<XiaomaiClient>().AddHttpMessageHandler(() => new CrashOnFirstOpen(opens)),
            new Dictionary<string, string?>
            {
                // The net is cast 5 s after the insert; the vendor's "no such session" proves at once that it was never accepted.
                ["DoorSessions:UnlockWindowSeconds"] = "5",
                ["DoorSessions:OpeningCheckGrace"] = "00:00:00",
                ["DoorSessions:NotFoundProvesAfter"] = "00:00:00",
            }).Start();
        var device = await host.NewCabinetAsync();
        var (client, customerId) = await TicketCustomerAsync(host, 1000);

        var died = await client.PostAsJsonAsync("/api/mp/sessions", new { deviceCode = device, paymentMethod = "Tickets", idempotencyKey = Guid.NewGuid().ToString("N") });
        Assert.Equal(HttpStatusCode.InternalServerError, died.StatusCode);
        var stored = await SessionAsync(host, s => s.CustomerId == customerId);
        Assert.Equal(DoorSessionStatus.Created, stored.Status);

        var expired = await Eventually.WaitAsync(
            () => SessionAsync(host, s => s.Id == stored.Id),
            s => s.Status == DoorSessionStatus.Expired, "the safety net to expire the session");
        Assert.Equal("NOT_ACCEPTED", expired.FailureCode);

        var again = await client.PostAsJsonAsync("/api/mp/sessions", new { deviceCode = device, paymentMethod = "Tickets", idempotencyKey = Guid.NewGuid().ToString("N") });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.NotEqual(stored.SessionNo, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sessionNo").GetString());
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ASessionCarriesItsSafetyNetUntilTheDoorOpens(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = new TestHost(database).Start();
        var device = await host.NewCabinetAsync();
        var (client, customerId) = await TicketCustomerAsync(host, 1000);

        var before = DateTime.UtcNow;
        (await client.PostAsJsonAsync("/api/mp/sessions", new { deviceCode = device, paymentMethod = "Tickets", idempotencyKey = Guid.NewGuid().ToString("N") }))
            .EnsureSuccessStatusCode();
        var stored = await SessionAsync(host, s => s.CustomerId == customerId);
        // Due when the unlock window and its grace have run out, unless the door opens first.
        if (stored.Status < DoorSessionStatus.Opened)
            Assert.InRange(stored.CheckDueAt!.Value, before.AddSeconds(30 + 15 - 1), DateTime.UtcNow.AddSeconds(30 + 15 + 1));

        var opened = await Eventually.WaitAsync(
            () => SessionAsync(host, s => s.Id == stored.Id),
            s => s.Status == DoorSessionStatus.Opened, "the sandbox customer to pull the door open");
        // Open, the next check is the vendor's bound for a close (decision 0020), 660 s by default.
        Assert.InRange(opened.CheckDueAt!.Value, opened.UpdatedAt.AddSeconds(660 - 1), DateTime.UtcNow.AddSeconds(660 + 1));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AnOpenDoorWhosePushesAreLostIsAskedForItsOrderWhenItsCheckFallsDue(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = new TestHost(database, settings: new Dictionary<string, string?>
        {
            ["DoorSessions:OpenedCheckAfter"] = "00:00:02",
            ["DoorSessions:ClosedCheckAfter"] = "00:00:01",
            // Still recognising at the first checks after the close: the session is already closed, so only
            // the check itself can set the next one (through the sweep, like every check).
            ["Sandbox:Xiaomai:RecognitionDelay"] = "00:00:08",
        }).Start();
        var device = await host.NewCabinetAsync();
        var (client, _) = await TicketCustomerAsync(host, 100000);
        using var sandbox = host.CreateHttpClient();
        using (var ops = await host.SignedInClientAsync("ops"))
            // Our catalogue knows the shelf's products (an unknown one would hold the order for review).
            Assert.Equal("Succeeded", (await Products.ProductSyncTests.SyncAsync(ops)).GetProperty("status").GetString());

        var sku = (await host.ShelfAsync(device))[0].Sku;

        var no = (await (await client.PostAsJsonAsync("/api/mp/sessions", new { deviceCode = device, paymentMethod = "Tickets", idempotencyKey = Guid.NewGuid().ToString("N") }))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sessionNo").GetString()!;
        await Eventually.WaitAsync(() => SessionAsync(host, s => s.SessionNo == no), s => s.Status == DoorSessionStatus.Opened, "the door to open");
        // From here on the vendor's pushes are lost: neither door.closed nor order.completed arrives.
        (await sandbox.PostAsync("/sandbox/xiaomai/faults?drop=true", null)).EnsureSuccessStatusCode();
        (await sandbox.PostAsync($"/sandbox/xiaomai/devices/{device}/take?sku={sku}&quantity=1", null)).EnsureSuccessStatusCode();
        (await sandbox.PostAsync($"/sandbox/xiaomai/devices/{device}/close", null)).EnsureSuccessStatusCode();

        // The open door's check falls due, the sweep hands it over, and the vendor's answer brings the order.
        var settled = await Eventually.WaitAsync(() => SessionAsync(host, s => s.SessionNo == no), s => s.Status == DoorSessionStatus.Settled, "the check to find the order");
        Assert.Null(settled.CheckDueAt);
        var (orders, pushes) = await host.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<CabinetOpsDbContext>();
            return (await db.Orders.Where(o => o.DoorSessionId == settled.Id).Select(o => o.PaymentStatus).ToListAsync(),
                await db.InboundMessages.CountAsync(m => m.MessageType == "order.completed"));
        });
        Assert.Equal([CabinetOps.Server.Features.Orders.PaymentStatus.Paid], orders);
        Assert.Equal(0, pushes);
    }

    private static Task<DoorSession> SessionAsync(TestHost host, Expression<Func<DoorSession, bool>> which) =>
        host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().DoorSessions.AsNoTracking().SingleAsync(which));

    /// <summary>A new signed-in customer holding <paramref name="tickets"/> tickets, granted by staff.</summary>
    private static async Task<(HttpClient Client, int CustomerId)> TicketCustomerAsync(TestHost host, long tickets)
    {
        var (client, customerId) = await host.CustomerClientAsync("net-" + Guid.NewGuid().ToString("N"));
        using var ops = await host.SignedInClientAsync("ops");
        (await ops.PostAsJsonAsync($"/api/admin/customers/{customerId}/tickets", new { amount = tickets, reason = "测试发放" })).EnsureSuccessStatusCode();
        return (client, customerId);
    }

    /// <summary>The server "dies" on its first open command: the call ends in an exception no code path expects, before anything reaches the vendor.</summary>
    private sealed class CrashOnFirstOpen(StrongBox<int> opens) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            request.RequestUri!.AbsolutePath.EndsWith("/open", StringComparison.Ordinal) && Interlocked.Increment(ref opens.Value) == 1
                ? throw new InvalidOperationException("simulated crash of the server process during the open")
                : base.SendAsync(request, cancellationToken);
    }
}
