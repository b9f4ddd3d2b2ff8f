using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CabinetOps.IntegrationTests.Infrastructure;
using CabinetOps.Server.Features.Orders;
using CabinetOps.Server.Infrastructure.Persistence;
using CabinetOps.Server.Integrations.WechatPay;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CabinetOps.IntegrationTests.Features.Orders;

/// <summary>
/// 去支付 end to end (docs/integrations/miniprogram-orders.md): the customer's order pages, JSAPI
/// for what tickets could not cover, the Pay Score order page, JSAPI + sync for a Pay Score order,
/// and a double collection refunded — with the simulator's ledger as the proof of money.
/// </summary>
public abstract class OrderPaymentTests(AppFixture app) : OrderTestBase(app)
{
    /// <summary>A ticket customer whose balance covers only part of the most expensive product on the shelf.</summary>
    private async Task<(HttpClient Client, string OrderNo, long Total, long TicketPart)> ShortTicketOrderAsync()
    {
        await EnsureCatalogueAsync();
        var device = await Host.NewCabinetAsync();
        var product = (await ShelfAsync(device)).MaxBy(p => p.PriceFen)!;
        Assert.True(product.PriceFen > 100, "the test needs a product above ¥1.00");
        var (client, _) = await CustomerAsync(500);
        var sessionNo = await ShopAsync(client, device, (product, 1));
        var orderNo = (await JsonAsync(await client.GetAsync($"/api/mp/sessions/{sessionNo}"))).GetProperty("orderNo").GetString()!;
        return (client, orderNo, product.PriceFen, 100);
    }

    [Fact]
    public async Task TheWechatRemainderOfATicketOrderIsPaidOnceByJsapi()
    {
        var (client, orderNo, total, ticketPart) = await ShortTicketOrderAsync();
        var remainder = total - ticketPart;

        var detail = await JsonAsync(await client.GetAsync($"/api/mp/orders/{orderNo}"));
        Assert.Equal(("Unpaid", "待支付", true), (detail.GetProperty("paymentStatus").GetString(), detail.GetProperty("statusLabel").GetString(), detail.GetProperty("canPay").GetBoolean()));
        Assert.Equal((remainder / 100m, ticketPart / 100m, 500L), (detail.GetProperty("amountDue").GetDecimal(), detail.GetProperty("ticketAmount").GetDecimal(),
            detail.GetProperty("ticketsUsed").GetInt64()));

        var pay = await PayAsync(client, orderNo);
        Assert.Equal("jsapi", pay.GetProperty("kind").GetString());
        var rp = pay.GetProperty("requestPayment");
        Assert.StartsWith("prepay_id=wx", rp.GetProperty("package").GetString());
        Assert.Equal(("RSA", 10), (rp.GetProperty("signType").GetString(), rp.GetProperty("timeStamp").GetString()!.Length));
        var verified = await Host.WithScopeAsync(sp =>
        {
            var o = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<WechatPayOptions>>().Value;
            return Task.FromResult(WechatPaySignature.Verify(sp.GetRequiredService<WechatPayKeys>().MerchantKey,
                $"{o.AppId}\n{rp.GetProperty("timeStamp").GetString()}\n{rp.GetProperty("nonceStr").GetString()}\n{rp.GetProperty("package").GetString()}\n",
                rp.GetProperty("paySign").GetString()));
        });
        Assert.True(verified, "paySign verifies over appId, timeStamp, nonceStr, package");

        // Tapping 去支付 again resumes the same attempt; nothing was collected yet.
        var again = await PayAsync(client, orderNo);
        Assert.Equal("jsapi", again.GetProperty("kind").GetString());
        var cancelled = await CheckAsync(client, orderNo);
        Assert.Equal("Unpaid", cancelled.GetProperty("paymentStatus").GetString());

        Task<int> NotificationsProcessedAsync() => Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().InboundMessages
            .CountAsync(m => m.MessageType == "TRANSACTION.SUCCESS" && m.Status == CabinetOps.Server.Infrastructure.Messaging.InboundMessageStatus.Processed));
        var before = await NotificationsProcessedAsync();
        await PayInWechatAsync(again.GetProperty("requestPayment"));
        var paid = await CheckAsync(client, orderNo);
        Assert.Equal(("Paid", false, 0m), (paid.GetProperty("paymentStatus").GetString(), paid.GetProperty("canPay").GetBoolean(), paid.GetProperty("amountDue").GetDecimal()));
        Assert.Equal(remainder / 100m, paid.GetProperty("wxPaymentAmount").GetDecimal());

        // The notification arrives too and changes nothing; WeChat took the remainder exactly once.
        await Eventually.WaitAsync(NotificationsProcessedAsync, n => n > before, "TRANSACTION.SUCCESS processed");
        var payments = await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().OrderPayments.AsNoTracking()
            .Where(p => p.Channel == PaymentChannel.Jsapi && p.OutTradeNo!.StartsWith(orderNo)).ToListAsync());
        var jsapi = Assert.Single(payments);
        Assert.Equal((PaymentRecordStatus.Succeeded, remainder, orderNo + "-1"), (jsapi.Status, jsapi.Amount.Fen, jsapi.OutTradeNo));
        Assert.Equal([("JSAPI", remainder)], await LedgerAsync(orderNo + "-1"));
        var order = await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().Orders.AsNoTracking().SingleAsync(o => o.OrderNo == orderNo));
        Assert.Equal((PaymentStatus.Paid, remainder, 500L), (order.PaymentStatus, order.WxPaymentAmount.Fen, order.TicketPaymentAmount));

        var refused = await PayAsync(client, orderNo, expected: HttpStatusCode.Conflict);
        Assert.Equal("order-paid", Code(refused));
    }

    [Fact]
    public async Task TwoTapsAtOnceMakeOneAttemptAndAPaymentWeMissedIsFoundBeforeAnotherIsIssued()
    {
        var (client, orderNo, total, ticketPart) = await ShortTicketOrderAsync();

        var taps = await Task.WhenAll(PayAsync(client, orderNo), PayAsync(client, orderNo));
        Assert.All(taps, t => Assert.Equal("jsapi", t.GetProperty("kind").GetString()));
        Assert.Equal(1, await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().OrderPayments.CountAsync(p => p.OutTradeNo!.StartsWith(orderNo))));

        // Paid in WeChat, but the notification is lost and the customer never came back: the next
        // 去支付 learns from WeChat that the attempt was paid instead of issuing another.
        await WithWechatPayFaultAsync("dropNotifications", () => PayInWechatAsync(taps[0].GetProperty("requestPayment")));
        var refused = await PayAsync(client, orderNo, expected: HttpStatusCode.Conflict);
        Assert.Equal("order-paid", Code(refused));
        var detail = await JsonAsync(await client.GetAsync($"/api/mp/orders/{orderNo}"));
        Assert.Equal("Paid", detail.GetProperty("paymentStatus").GetString());
        Assert.Equal([("JSAPI", total - ticketPart)], await LedgerAsync(orderNo + "-1"));
    }

    [Fact]
    public async Task OrdersAreTheCustomersOwnAndPaged()
    {
        var (client, orderNo, _, _) = await ShortTicketOrderAsync();
        var page = await JsonAsync(await client.GetAsync("/api/mp/orders?page=1&pageSize=10"));
        Assert.Equal(1, page.GetProperty("total").GetInt32());
        var row = page.GetProperty("items")[0];
        Assert.Equal((orderNo, "待支付", true, 1), (row.GetProperty("orderNo").GetString(), row.GetProperty("statusLabel").GetString(), row.GetProperty("canPay").GetBoolean(),
            row.GetProperty("itemCount").GetInt32()));
        Assert.False(string.IsNullOrEmpty(row.GetProperty("firstItemName").GetString()));

        var (stranger, _) = await Host.CustomerClientAsync("order-stranger-" + Guid.NewGuid().ToString("N"));
        Assert.Equal("order-not-found", Code(await JsonAsync(await stranger.GetAsync($"/api/mp/orders/{orderNo}"), HttpStatusCode.NotFound)));
        Assert.Equal("order-not-found", Code(await PayAsync(stranger, orderNo, expected: HttpStatusCode.NotFound)));
        Assert.Equal(0, (await JsonAsync(await stranger.GetAsync("/api/mp/orders"))).GetProperty("total").GetInt32());
        Assert.Equal("validation", Code(await JsonAsync(await client.GetAsync("/api/mp/orders?pageSize=51"), HttpStatusCode.BadRequest)));
        Assert.Equal("validation", Code(await PayAsync(client, orderNo, "cash", HttpStatusCode.BadRequest)));
    }

    /// <summary>A Pay Score order WeChat cannot deduct (支付中), with the session's order number.</summary>
    private async Task<(HttpClient Client, string SessionNo, string OrderNo, long Total)> PayingPayScoreOrderAsync()
    {
        await EnsureCatalogueAsync();
        var device = await Host.NewCabinetAsync();
        var product = (await ShelfAsync(device))[2];
        var (client, _) = await Host.PayScoreCustomerAsync("order-pay-" + Guid.NewGuid().ToString("N"));
        var sessionNo = await ShopAsync(client, device, "PayScore", (product, 1));
        await WaitForPaymentStatusAsync(sessionNo, PaymentStatus.Paying);
        var orderNo = (await OrderOfAsync(sessionNo))!.OrderNo;
        return (client, sessionNo, orderNo, product.PriceFen);
    }

    [Fact]
    public async Task APayScoreOrderStillDeductingIsPaidOnThePayScorePage()
    {
        await WithWechatPayFaultAsync("deductionsFail", async () =>
        {
            var (client, sessionNo, orderNo, total) = await PayingPayScoreOrderAsync();
            var pay = await PayAsync(client, orderNo);
            Assert.Equal("payscore-page", pay.GetProperty("kind").GetString());
            var page = pay.GetProperty("payScorePage");
            Assert.Equal("wxpayScoreDetail", page.GetProperty("businessType").GetString());
            var extra = page.GetProperty("extraData").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            Assert.Equal(sessionNo, extra["out_order_no"]);
            Assert.Equal(extra["sign"], WechatPaySignature.SignV2(extra.Where(kv => kv.Key != "sign"), "SandboxApiV2Key0123456789abcdefg"));

            // The customer pays on WeChat's page; back in the mini-program the check finds it.
            using var sandbox = Host.CreateHttpClient();
            (await sandbox.PostAsync($"/sandbox/wechatpay/orders/{sessionNo}/pay", null)).EnsureSuccessStatusCode();
            Assert.Equal("Paid", (await CheckAsync(client, orderNo)).GetProperty("paymentStatus").GetString());
            Assert.Equal([("PAYSCORE", total)], await LedgerAsync(sessionNo));
        });
    }

    [Fact]
    public async Task APayScoreOrderPaidByJsapiIsSyncedSoWechatStopsDeducting()
    {
        string sessionNo = "", orderNo = "";
        long total = 0;
        await WithWechatPayFaultAsync("deductionsFail", async () =>
        {
            (var client, sessionNo, orderNo, total) = await PayingPayScoreOrderAsync();
            var pay = await PayAsync(client, orderNo, "jsapi");
            Assert.Equal("jsapi", pay.GetProperty("kind").GetString());
            await PayInWechatAsync(pay.GetProperty("requestPayment"));
            Assert.Equal("Paid", (await CheckAsync(client, orderNo)).GetProperty("paymentStatus").GetString());
            await Eventually.WaitAsync(() => WechatOrderAsync(sessionNo), o => o.GetProperty("state").GetString() == "DONE", "Pay Score order synced");
        });

        // Deductions work again, but WeChat has nothing left to collect: the customer paid once.
        var wechat = await WechatOrderAsync(sessionNo);
        Assert.Equal("MCH", wechat.GetProperty("collection").GetProperty("details")[0].GetProperty("paid_type").GetString());
        Assert.Empty(await LedgerAsync(sessionNo));
        Assert.Equal([("JSAPI", total)], await LedgerAsync(orderNo + "-1"));
        var payScore = await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().OrderPayments.AsNoTracking()
            .SingleAsync(p => p.Channel == PaymentChannel.PayScore && p.IdempotencyKey == OrderPayment.KeyFor(orderNo, PaymentChannel.PayScore)));
        Assert.Equal(PaymentRecordStatus.Cancelled, payScore.Status);
    }

    [Fact]
    public async Task WhenPayScoreCollectedWhileTheCustomerPaidByJsapiTheJsapiPaymentIsRefunded()
    {
        await WithWechatPayFaultAsync("deductionsFail", async () =>
        {
            var (client, sessionNo, orderNo, total) = await PayingPayScoreOrderAsync();
            var pay = await PayAsync(client, orderNo, "jsapi");
            using var sandbox = Host.CreateHttpClient();
            // WeChat collects through Pay Score, but we do not hear of it before the JSAPI payment lands.
            await WithWechatPayFaultAsync("dropNotifications", async () =>
                (await sandbox.PostAsync($"/sandbox/wechatpay/orders/{sessionNo}/pay", null)).EnsureSuccessStatusCode());
            await PayInWechatAsync(pay.GetProperty("requestPayment"));

            var refund = await Eventually.WaitAsync(() => Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().OrderRefunds.AsNoTracking()
                .SingleOrDefaultAsync(r => r.OutRefundNo == orderNo + "-1-R")), r => r?.Status == RefundStatus.Succeeded, "double collection refunded");
            Assert.Equal(total, refund!.Amount.Fen);
            Assert.Equal([("PAYSCORE", total)], await LedgerAsync(sessionNo));
            Assert.Equal([("JSAPI", total), ("REFUND", -total)], await LedgerAsync(orderNo + "-1"));
            var order = await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().Orders.AsNoTracking().SingleAsync(o => o.OrderNo == orderNo));
            Assert.Equal((PaymentStatus.Paid, total), (order.PaymentStatus, order.WxPaymentAmount.Fen));
        });
    }

    [Fact]
    public async Task TheNotificationAndManyChecksOfOnePaymentBookItOnceAndRefundNothing()
    {
        var (client, orderNo, total, ticketPart) = await ShortTicketOrderAsync();
        var pay = await PayAsync(client, orderNo);
        // Paid in WeChat with the notification held back; then the customer's page checks many
        // times at once while the notification arrives: each reads the payment as still pending.
        await WithWechatPayFaultAsync("dropNotifications", () => PayInWechatAsync(pay.GetProperty("requestPayment")));
        var checks = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => CheckAsync(client, orderNo)));
        Assert.All(checks, c => Assert.Equal("Paid", c.GetProperty("paymentStatus").GetString()));

        var refunds = await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().OrderRefunds.AsNoTracking()
            .CountAsync(r => r.OutRefundNo.StartsWith(orderNo)));
        Assert.Equal(0, refunds);
        Assert.Equal([("JSAPI", total - ticketPart)], await LedgerAsync(orderNo + "-1"));
        var order = await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().Orders.AsNoTracking().SingleAsync(o => o.OrderNo == orderNo));
        Assert.Equal((PaymentStatus.Paid, total - ticketPart), (order.PaymentStatus, order.WxPaymentAmount.Fen));
    }

    [Fact]
    public async Task APayScoreOrderWhoseCompleteLostItsAnswersIsSyncedWhenPaidByJsapi()
    {
        string sessionNo = "", orderNo = "";
        long total = 0;
        await WithWechatPayFaultAsync("deductionsFail", async () =>
        {
            (sessionNo, orderNo, total) = await PayScoreOrderPaidByJsapiAfterFailedCompletesAsync("loseNext");
            // WeChat completed the order although we never heard so: it must stop deducting.
            await Eventually.WaitAsync(() => WechatOrderAsync(sessionNo), o => o.GetProperty("state").GetString() == "DONE", "Pay Score order synced");
        });

        var wechat = await WechatOrderAsync(sessionNo);
        Assert.Equal("MCH", wechat.GetProperty("collection").GetProperty("details")[0].GetProperty("paid_type").GetString());
        Assert.Empty(await LedgerAsync(sessionNo));
        Assert.Equal([("JSAPI", total)], await LedgerAsync(orderNo + "-1"));
    }

    [Fact]
    public async Task APayScoreOrderThatWasNeverCompletedIsCancelledWhenPaidByJsapi()
    {
        var (sessionNo, orderNo, total) = await PayScoreOrderPaidByJsapiAfterFailedCompletesAsync("failNext");
        await Eventually.WaitAsync(() => WechatOrderAsync(sessionNo), o => o.GetProperty("state").GetString() == "REVOKED", "Pay Score order cancelled");
        Assert.Empty(await LedgerAsync(sessionNo));
        Assert.Equal([("JSAPI", total)], await LedgerAsync(orderNo + "-1"));
        var payScore = await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().OrderPayments.AsNoTracking()
            .SingleAsync(p => p.IdempotencyKey == OrderPayment.KeyFor(orderNo, PaymentChannel.PayScore)));
        Assert.Equal(PaymentRecordStatus.Cancelled, payScore.Status);
    }

    /// <summary>
    /// A Pay Score customer shops while the complete's calls to WeChat all fail (<paramref name="fault"/>:
    /// <c>failNext</c> before acting, <c>loseNext</c> after acting with the answer lost) until it is
    /// left to staff; the order is due and the customer pays it by JSAPI.
    /// </summary>
    private async Task<(string SessionNo, string OrderNo, long Total)> PayScoreOrderPaidByJsapiAfterFailedCompletesAsync(string fault)
    {
        await EnsureCatalogueAsync();
        var device = await Host.NewCabinetAsync();
        var product = (await ShelfAsync(device))[1];
        var (client, _) = await Host.PayScoreCustomerAsync("order-lost-complete-" + Guid.NewGuid().ToString("N"));
        using var sandbox = Host.CreateHttpClient();
        var opened = await client.PostAsJsonAsync("/api/mp/sessions", new { deviceCode = device, paymentMethod = "PayScore", idempotencyKey = Guid.NewGuid().ToString("N") });
        var sessionNo = (await JsonAsync(opened)).GetProperty("sessionNo").GetString()!;
        await Eventually.WaitAsync(() => client.GetFromJsonAsync<JsonElement>($"/api/mp/sessions/{sessionNo}"), x => x.GetProperty("status").GetString() == "Opened", "door opened");
        // Every attempt of the complete (the first and its three retries) is the next call to WeChat.
        (await sandbox.PostAsync($"/sandbox/wechatpay/faults?{fault}=4", null)).EnsureSuccessStatusCode();
        (await sandbox.PostAsync($"/sandbox/xiaomai/devices/{device}/take?sku={product.Sku}&quantity=1", null)).EnsureSuccessStatusCode();
        (await sandbox.PostAsync($"/sandbox/xiaomai/devices/{device}/close", null)).EnsureSuccessStatusCode();
        await Eventually.WaitAsync(async () => (await JsonAsync(await sandbox.PostAsync("/sandbox/wechatpay/faults", null))).GetProperty(fault == "failNext" ? "fail_next" : "lose_next").GetInt32(),
            n => n == 0, "every complete attempt failed");
        var orderNo = (await OrderOfAsync(sessionNo))!.OrderNo;
        var order = await OrderOfAsync(sessionNo);
        Assert.Equal(PaymentStatus.Unpaid, order!.PaymentStatus);

        var pay = await PayAsync(client, orderNo, "jsapi");
        await PayInWechatAsync(pay.GetProperty("requestPayment"));
        Assert.Equal("Paid", (await CheckAsync(client, orderNo)).GetProperty("paymentStatus").GetString());
        return (sessionNo, orderNo, product.PriceFen);
    }
}

public sealed class OrderPaymentsOnSqlite(SqliteApp app) : OrderPaymentTests(app), IClassFixture<SqliteApp>;

public sealed class OrderPaymentsOnPostgres(PostgresApp app) : OrderPaymentTests(app), IClassFixture<PostgresApp>;
