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

/// <summary>
/// The order push end to end through the sandbox: a customer opens with tickets, the person at the
/// cabinet takes products, closes the door, the vendor pushes <c>order.completed</c>, and the order
/// is priced from our catalogue and charged.
/// </summary>
public abstract class OrderPushTests(AppFixture app) : OrderTestBase(app)
{
    [Fact]
    public async Task ATicketOrderIsPricedFromOurCatalogueAndPaidOnceWithTickets()
    {
        await EnsureCatalogueAsync();
        var device = await Host.NewCabinetAsync();
        var shelf = await ShelfAsync(device);
        var (client, customerId) = await CustomerAsync(100_000);

        var no = await ShopAsync(client, device, (shelf[0], 2), (shelf[1], 1));

        var order = (await OrderOfAsync(no))!;
        var expected = shelf[0].PriceFen * 2 + shelf[1].PriceFen;
        Assert.Equal(expected, order.TotalAmount.Fen);
        Assert.Equal(expected, order.VendorTotal.Fen);
        Assert.False(order.PriceMismatch);
        Assert.Null(order.Hold);
        Assert.Equal(3, order.ItemCount);
        Assert.Equal([(shelf[0].Sku, 2), (shelf[1].Sku, 1)], order.Items.OrderBy(i => i.LineNo).Select(i => (i.SkuCode, i.Quantity)));
        Assert.All(order.Items, i => Assert.NotNull(i.ProductId));
        Assert.Equal(PaymentType.Tickets, order.PaymentType);
        Assert.Equal(PaymentStatus.Paid, order.PaymentStatus);
        Assert.NotNull(order.PaymentTime);
        Assert.Equal(expected * 5, order.TicketPaymentAmount);
        Assert.Equal(0, order.WxPaymentAmount.Fen);
        Assert.StartsWith("OD", order.OrderNo);
        Assert.Equal(100_000 - expected * 5, await BalanceAsync(customerId));

        var (payments, ledger) = await Host.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<CabinetOpsDbContext>();
            return (await db.OrderPayments.Where(p => p.OrderId == order.Id).ToListAsync(),
                await db.TicketLedger.Where(e => e.RelatedOrderNo == order.OrderNo).ToListAsync());
        });
        var payment = Assert.Single(payments);
        Assert.Equal((PaymentChannel.Tickets, PaymentRecordStatus.Succeeded, expected, expected * 5), (payment.Channel, payment.Status, payment.Amount.Fen, payment.Tickets));
        var entry = Assert.Single(ledger);
        Assert.Equal((TicketEntryKind.Payment, -expected * 5, 100_000 - expected * 5), (entry.Kind, entry.Amount, entry.BalanceAfter));
    }

    [Fact]
    public async Task OneTicketShortPaysTheWholeFenWithTicketsAndLeavesTheRestDueByWechat()
    {
        await EnsureCatalogueAsync();
        var device = await Host.NewCabinetAsync();
        var shelf = await ShelfAsync(device);
        var needed = shelf[0].PriceFen * 5;
        // The store's minimum to open with tickets is 500: take enough that one ticket short is still above it.
        var (client, customerId) = await CustomerAsync(Math.Max(needed - 1, 500));
        Assert.True(needed - 1 >= 500, "the shelf's first product costs at least 1.00");

        var no = await ShopAsync(client, device, (shelf[0], 1));

        var order = (await OrderOfAsync(no))!;
        Assert.Equal((needed - 5, shelf[0].PriceFen - 1, 1L), (order.TicketPaymentAmount, order.TotalAmount.Fen - order.WxPaymentAmount.Fen, order.WxPaymentAmount.Fen));
        Assert.Equal(PaymentStatus.Unpaid, order.PaymentStatus);
        Assert.Contains("需微信支付", order.PaymentFailure);
        Assert.Equal(4, await BalanceAsync(customerId));
        // The remainder is owed: the next scan shows it and refuses to open.
        var check = await (await client.PostAsJsonAsync("/api/mp/precheck", new { deviceCode = device })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("unpaid-order", check.GetProperty("refusalCode").GetString());
        Assert.Equal(order.OrderNo, check.GetProperty("unpaidOrder").GetProperty("orderNo").GetString());
    }

    [Fact]
    public async Task AnEmptyPurchaseSettlesTheSessionWithNoOrderAndNoCharge()
    {
        var device = await Host.NewCabinetAsync();
        var (client, customerId) = await CustomerAsync(10_000);

        var no = await ShopAsync(client, device);

        Assert.Null(await OrderOfAsync(no));
        Assert.Equal(10_000, await BalanceAsync(customerId));
        var trail = await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().DoorSessionTransitions
            .Where(t => t.SessionId == sp.GetRequiredService<CabinetOpsDbContext>().DoorSessions.Single(s => s.SessionNo == no).Id).Select(t => t.To).ToListAsync());
        Assert.Equal(DoorSessionStatus.Settled, trail[^1]);
    }

    [Fact]
    public async Task MoreItemsThanTheStoresLimitAreHeldUnchargedAndDoNotBlockTheCustomer()
    {
        await EnsureCatalogueAsync();
        var device = await Host.NewCabinetAsync();
        var shelf = await ShelfAsync(device);
        var (client, customerId) = await CustomerAsync(1_000_000);

        // The built-in item-count limit is 20.
        var no = await ShopAsync(client, device, (shelf[0], 20), (shelf[1], 1));

        var order = (await OrderOfAsync(no))!;
        Assert.Equal(OrderHold.ItemCountOverLimit, order.Hold);
        Assert.Equal(PaymentStatus.Unpaid, order.PaymentStatus);
        Assert.Equal(0, order.TicketPaymentAmount);
        Assert.Equal(1_000_000, await BalanceAsync(customerId));
        var check = await (await client.PostAsJsonAsync("/api/mp/precheck", new { deviceCode = device })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(check.GetProperty("canOpen").GetBoolean(), check.ToString());
    }

    [Fact]
    public async Task TheSameOrderProcessedAgainMakesNoSecondOrderAndNoSecondCharge()
    {
        await EnsureCatalogueAsync();
        var device = await Host.NewCabinetAsync();
        var shelf = await ShelfAsync(device);
        var (client, customerId) = await CustomerAsync(100_000);
        var no = await ShopAsync(client, device, (shelf[2], 1));
        var order = (await OrderOfAsync(no))!;
        var balance = await BalanceAsync(customerId);

        // The stored push processed again, as a redelivery under a new event id or an order fetched by a query would be.
        var ignored = await Host.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<CabinetOpsDbContext>();
            var body = await db.InboundMessages.Where(m => m.MessageType == "order.completed" && m.Body.Contains(order.WheatOrderNo!)).Select(m => m.Body).SingleAsync();
            var push = JsonSerializer.Deserialize<XiaomaiPush>(body, XiaomaiJson.Options)!;
            var processor = sp.GetServices<IXiaomaiEventProcessor>().Single(p => p.EventTypes.Contains("order.completed"));
            return await processor.ProcessAsync(push, CancellationToken.None);
        });

        Assert.Null(ignored);
        var (orders, payments) = await Host.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<CabinetOpsDbContext>();
            return (await db.Orders.CountAsync(o => o.WheatOrderNo == order.WheatOrderNo), await db.OrderPayments.CountAsync(p => p.OrderId == order.Id));
        });
        Assert.Equal((1, 1), (orders, payments));
        Assert.Equal(balance, await BalanceAsync(customerId));
    }

    [Fact]
    public async Task AnOrderPushDeliveredTwiceIsChargedOnce()
    {
        await EnsureCatalogueAsync();
        var device = await Host.NewCabinetAsync();
        var shelf = await ShelfAsync(device);
        var (client, customerId) = await CustomerAsync(100_000);
        using var sandbox = Host.CreateHttpClient();
        (await sandbox.PostAsync("/sandbox/xiaomai/faults?duplicate=true", null)).EnsureSuccessStatusCode();
        try
        {
            var no = await ShopAsync(client, device, (shelf[3], 2));
            var order = (await OrderOfAsync(no))!;
            Assert.Equal(PaymentStatus.Paid, order.PaymentStatus);
            Assert.Equal(1, await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().OrderPayments.CountAsync(p => p.OrderId == order.Id)));
            Assert.Equal(100_000 - shelf[3].PriceFen * 2 * 5, await BalanceAsync(customerId));
        }
        finally
        {
            (await sandbox.PostAsync("/sandbox/xiaomai/faults?duplicate=false", null)).EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task APayScoreOrderIsCompletedWithOurAmountAndPaidWhenWechatCollects()
    {
        await EnsureCatalogueAsync();
        var device = await Host.NewCabinetAsync();
        var shelf = await ShelfAsync(device);
        var (client, _) = await Host.PayScoreCustomerAsync("order-ps-" + Guid.NewGuid().ToString("N"));

        var no = await ShopAsync(client, device, "PayScore", (shelf[0], 1), (shelf[1], 2));

        var order = await WaitForPaymentStatusAsync(no, PaymentStatus.Paid);
        var total = shelf[0].PriceFen + shelf[1].PriceFen * 2;
        Assert.Equal((PaymentType.WeChat, total, total, 0L), (order.PaymentType, order.TotalAmount.Fen, order.WxPaymentAmount.Fen, order.TicketPaymentAmount));
        Assert.NotNull(order.PaymentTime);
        var payment = await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().OrderPayments.SingleAsync(p => p.OrderId == order.Id));
        Assert.Equal((PaymentChannel.PayScore, PaymentRecordStatus.Succeeded, total), (payment.Channel, payment.Status, payment.Amount.Fen));
        Assert.StartsWith("4200", payment.TransactionId);

        // WeChat's side: completed with our lines and total, collected exactly once.
        var wechat = await WechatOrderAsync(no);
        Assert.Equal(("DONE", "USER_PAID", total), (wechat.GetProperty("state").GetString(), wechat.GetProperty("collection").GetProperty("state").GetString(),
            wechat.GetProperty("collection").GetProperty("paid_amount").GetInt64()));
        using var sandbox = Host.CreateHttpClient();
        var ledger = (await sandbox.GetFromJsonAsync<JsonElement>("/sandbox/wechatpay/ledger")).EnumerateArray().Where(e => e.GetProperty("out_trade_no").GetString() == no).ToList();
        var collected = Assert.Single(ledger);
        Assert.Equal((total, payment.TransactionId), (collected.GetProperty("amount").GetInt64(), collected.GetProperty("transaction_id").GetString()));
    }

    [Fact]
    public async Task WhileWechatCannotDeductThePayScoreOrderShowsPayingAndIsPaidWhenItCan()
    {
        await EnsureCatalogueAsync();
        var device = await Host.NewCabinetAsync();
        var shelf = await ShelfAsync(device);
        var (client, _) = await Host.PayScoreCustomerAsync("order-ps-" + Guid.NewGuid().ToString("N"));
        using var sandbox = Host.CreateHttpClient();
        (await sandbox.PostAsync("/sandbox/wechatpay/faults?deductionsFail=true", null)).EnsureSuccessStatusCode();
        string no;
        try
        {
            no = await ShopAsync(client, device, "PayScore", (shelf[4], 1));
            var paying = await WaitForPaymentStatusAsync(no, PaymentStatus.Paying);
            Assert.Null(paying.PaymentTime);
            Assert.Equal("USER_PAYING", (await WechatOrderAsync(no)).GetProperty("collection").GetProperty("state").GetString());
            // 支付中 is WeChat's to finish: it does not block the customer.
            var check = await (await client.PostAsJsonAsync("/api/mp/precheck", new { deviceCode = device })).Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(check.GetProperty("canOpen").GetBoolean(), check.ToString());
        }
        finally
        {
            (await sandbox.PostAsync("/sandbox/wechatpay/faults?deductionsFail=false", null)).EnsureSuccessStatusCode();
        }

        // WeChat keeps trying on its own and succeeds once it can.
        var paid = await WaitForPaymentStatusAsync(no, PaymentStatus.Paid);
        Assert.Equal(shelf[4].PriceFen, paid.WxPaymentAmount.Fen);
    }

    [Fact]
    public async Task APayScoreOrderWhoseNotificationIsLostIsFoundPaidByAQuery()
    {
        await EnsureCatalogueAsync();
        var device = await Host.NewCabinetAsync();
        var shelf = await ShelfAsync(device);
        var (client, _) = await Host.PayScoreCustomerAsync("order-ps-" + Guid.NewGuid().ToString("N"));
        Task<int> UserPaidReceivedAsync() => Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().InboundMessages.CountAsync(m => m.MessageType == "PAYSCORE.USER_PAID"));
        using var sandbox = Host.CreateHttpClient();
        (await sandbox.PostAsync("/sandbox/wechatpay/faults?dropNotifications=true", null)).EnsureSuccessStatusCode();
        try
        {
            var before = await UserPaidReceivedAsync();
            var no = await ShopAsync(client, device, "PayScore", (shelf[5], 1));
            var paid = await WaitForPaymentStatusAsync(no, PaymentStatus.Paid);
            Assert.Equal(shelf[5].PriceFen, paid.WxPaymentAmount.Fen);
            // Paid without any notification: the scheduled query found it.
            Assert.Equal(before, await UserPaidReceivedAsync());
            var payment = await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().OrderPayments.SingleAsync(p => p.OrderId == paid.Id));
            Assert.Equal((PaymentRecordStatus.Succeeded, (await WechatOrderAsync(no)).GetProperty("collection").GetProperty("details")[0].GetProperty("transaction_id").GetString()),
                (payment.Status, payment.TransactionId));
        }
        finally
        {
            (await sandbox.PostAsync("/sandbox/wechatpay/faults?dropNotifications=false", null)).EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task AnEmptyPayScorePurchaseCancelsTheServiceOrder()
    {
        var device = await Host.NewCabinetAsync();
        var (client, _) = await Host.PayScoreCustomerAsync("order-ps-" + Guid.NewGuid().ToString("N"));

        var no = await ShopAsync(client, device, "PayScore");

        Assert.Null(await OrderOfAsync(no));
        await Eventually.WaitAsync(() => WechatOrderAsync(no), o => o.GetProperty("state").GetString() == "REVOKED", "service order cancelled");
    }

    [Fact]
    public async Task OpeningAgainAndAgainWithoutBuyingRaisesOneSecurityEvent()
    {
        var device = await Host.NewCabinetAsync();
        var (client, customerId) = await CustomerAsync(10_000);
        for (var i = 0; i < 5; i++)
            await ShopAsync(client, device);

        var events = await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().SecurityEvents
            .Where(e => e.Code == "repeated-empty-opens" && e.Detail!.Contains($"顾客 {customerId} ")).CountAsync());
        Assert.Equal(1, events);
        await ShopAsync(client, device);
        Assert.Equal(1, await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().SecurityEvents
            .Where(e => e.Code == "repeated-empty-opens" && e.Detail!.Contains($"顾客 {customerId} ")).CountAsync()));
    }
}

public sealed class OrderPushesOnSqlite(SqliteApp app) : OrderPushTests(app), IClassFixture<SqliteApp>;

public sealed class OrderPushesOnPostgres(PostgresApp app) : OrderPushTests(app), IClassFixture<PostgresApp>;
