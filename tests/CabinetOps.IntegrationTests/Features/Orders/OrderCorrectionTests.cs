using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CabinetOps.Server.Features.Orders;
using CabinetOps.Server.Features.Tickets;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CabinetOps.IntegrationTests.Features.Orders;

/// <summary>
/// 订单修正 through the admin API (issue #7): down refunds the difference once, WeChat first then
/// tickets; up on a paid order makes one 补扣 charged once; a repeated confirm moves money once.
/// </summary>
/// <summary>What the correction tests share: calling the API and reading orders, refunds and WeChat's ledger.</summary>
public abstract class OrderCorrectionTestBase(AppFixture app) : OrderTestBase(app)
{
    protected static Task<HttpResponseMessage> CorrectAsync(HttpClient staff, long orderId, Guid requestId, object[] lines, string reason = "顾客反馈少拿", int? baseSeq = null) =>
        staff.PostAsJsonAsync($"/api/admin/orders/{orderId}/corrections", new { requestId, reason, lines, baseSeq });

    protected Task<Order> OrderAsync(string orderNo) => Host.WithScopeAsync(sp =>
        sp.GetRequiredService<CabinetOpsDbContext>().Orders.AsNoTracking().Include(o => o.Items).SingleAsync(o => o.OrderNo == orderNo));

    protected Task<List<OrderRefund>> RefundsAsync(long orderId) => Host.WithScopeAsync(sp =>
        sp.GetRequiredService<CabinetOpsDbContext>().OrderRefunds.AsNoTracking().Where(r => r.OrderId == orderId).OrderBy(r => r.Id).ToListAsync());

    protected Task<List<OrderPayment>> PaymentsAsync(long orderId) => Host.WithScopeAsync(sp =>
        sp.GetRequiredService<CabinetOpsDbContext>().OrderPayments.AsNoTracking().Where(p => p.OrderId == orderId).OrderBy(p => p.Id).ToListAsync());

    /// <summary>WeChat's refunds of one payment, as the simulator's ledger has them (negative amounts).</summary>
    protected async Task<List<long>> WechatRefundsAsync(string transactionId)
    {
        using var sandbox = Host.CreateHttpClient();
        return (await sandbox.GetFromJsonAsync<JsonElement>("/sandbox/wechatpay/ledger")).EnumerateArray()
            .Where(e => e.GetProperty("kind").GetString() == "REFUND" && e.GetProperty("out_trade_no").GetString() == transactionId)
            .Select(e => e.GetProperty("amount").GetInt64()).ToList();
    }

    protected async Task<(Order Order, ShelfProduct[] Shelf)> PaidPayScoreOrderAsync()
    {
        var (order, shelf, _) = await PaidPayScoreOrderWithCustomerAsync();
        return (order, shelf);
    }

    protected async Task<(Order Order, ShelfProduct[] Shelf, HttpClient Customer)> PaidPayScoreOrderWithCustomerAsync()
    {
        await EnsureCatalogueAsync();
        var device = await Host.NewCabinetAsync();
        var shelf = await ShelfAsync(device);
        var (client, _) = await Host.PayScoreCustomerAsync("correct-" + Guid.NewGuid().ToString("N"));
        var no = await ShopAsync(client, device, "PayScore", (shelf[0], 1), (shelf[1], 2));
        return (await WaitForPaymentStatusAsync(no, PaymentStatus.Paid), shelf, client);
    }
}

public abstract class OrderCorrectionTests(AppFixture app) : OrderCorrectionTestBase(app)
{
    [Fact]
    public async Task CorrectingAPayScoreOrderDownRefundsTheDifferenceOnceHoweverOftenItIsConfirmed()
    {
        var (order, shelf) = await PaidPayScoreOrderAsync();
        var line = order.Items.Single(i => i.SkuCode == shelf[1].Sku);
        using var ops = await Host.SignedInClientAsync("ops");

        var preview = await JsonAsync(await ops.PostAsJsonAsync($"/api/admin/orders/{order.Id}/corrections/preview", new { lines = new[] { new { lineNo = line.LineNo, quantity = 1 } } }));
        Assert.Equal((order.TotalAmount.ToYuan() - shelf[1].PriceFen / 100m, shelf[1].PriceFen / 100m, 0m),
            (preview.GetProperty("afterTotal").GetDecimal(), preview.GetProperty("refundAmount").GetDecimal(), preview.GetProperty("supplementaryAmount").GetDecimal()));
        Assert.Equal("PayScore", preview.GetProperty("refunds")[0].GetProperty("channel").GetString());

        // A double click: the same form confirmed three times, two of them at once.
        var requestId = Guid.NewGuid();
        object[] lines = [new { lineNo = line.LineNo, quantity = 1 }];
        var answers = await Task.WhenAll(CorrectAsync(ops, order.Id, requestId, lines), CorrectAsync(ops, order.Id, requestId, lines));
        var third = await JsonAsync(await CorrectAsync(ops, order.Id, requestId, lines));
        var views = await Task.WhenAll(answers.Select(a => JsonAsync(a)));
        Assert.All(views.Append(third), v => Assert.Equal(third.GetProperty("id").GetInt64(), v.GetProperty("id").GetInt64()));
        Assert.Equal(("Applied", $"{order.OrderNo}-C1"), (third.GetProperty("status").GetString(), third.GetProperty("correctionNo").GetString()));

        var corrected = await OrderAsync(order.OrderNo);
        Assert.Equal((OrderType.Corrected, order.TotalAmount.Fen - shelf[1].PriceFen, 1), (corrected.OrderType, corrected.TotalAmount.Fen, corrected.Items.Single(i => i.LineNo == line.LineNo).Quantity));
        var refund = Assert.Single(await RefundsAsync(order.Id));
        Assert.Equal((shelf[1].PriceFen, $"{order.OrderNo}-C1-R{refund.PaymentId}"), (refund.Amount.Fen, refund.OutRefundNo));
        await Eventually.WaitAsync(async () => (await RefundsAsync(order.Id)).Single().Status, s => s == RefundStatus.Succeeded, "the refund to succeed");
        var payment = Assert.Single(await PaymentsAsync(order.Id));
        Assert.Equal([-shelf[1].PriceFen], await WechatRefundsAsync(payment.TransactionId!));

        // The audit trail has the correction with its before and after.
        var audit = await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().AuditLog.AsNoTracking()
            .Where(a => a.Action == "order.correct" && a.TargetId == order.OrderNo).ToListAsync());
        var entry = Assert.Single(audit);
        Assert.Contains(order.TotalAmount.ToString(), entry.BeforeJson);
        Assert.Contains(corrected.TotalAmount.ToString(), entry.AfterJson);
    }

    [Fact]
    public async Task CorrectingASplitOrderDownRefundsWechatFirstThenTickets()
    {
        await EnsureCatalogueAsync();
        var device = await Host.NewCabinetAsync();
        var shelf = await ShelfAsync(device);
        var a = shelf.MaxBy(p => p.PriceFen)!;
        var b = shelf.First(p => p.Sku != a.Sku);
        Assert.True(a.PriceFen > 100, "the test needs a product above ¥1.00");
        // 500 tickets cover ¥1.00; WeChat pays the rest by JSAPI.
        var (client, customerId) = await CustomerAsync(500);
        var sessionNo = await ShopAsync(client, device, (a, 1), (b, 1));
        var orderNo = (await JsonAsync(await client.GetAsync($"/api/mp/sessions/{sessionNo}"))).GetProperty("orderNo").GetString()!;
        await PayInWechatAsync((await PayAsync(client, orderNo)).GetProperty("requestPayment"));
        Assert.Equal("Paid", (await CheckAsync(client, orderNo)).GetProperty("paymentStatus").GetString());
        var order = await OrderAsync(orderNo);
        using var ops = await Host.SignedInClientAsync("ops");

        // Down by less than the WeChat part: WeChat alone gives it back.
        var lineB = order.Items.Single(i => i.SkuCode == b.Sku).LineNo;
        await JsonAsync(await CorrectAsync(ops, order.Id, Guid.NewGuid(), [new { lineNo = lineB, quantity = 0 }], baseSeq: 0));
        // Down to nothing: the rest of WeChat's part first, then the tickets.
        var lineA = order.Items.Single(i => i.SkuCode == a.Sku).LineNo;
        var second = await JsonAsync(await CorrectAsync(ops, order.Id, Guid.NewGuid(), [new { lineNo = lineA, quantity = 0 }], baseSeq: 1));
        Assert.Equal(a.PriceFen / 100m, second.GetProperty("refundAmount").GetDecimal());

        var payments = await PaymentsAsync(order.Id);
        var tickets = payments.Single(p => p.Channel == PaymentChannel.Tickets);
        var jsapi = payments.Single(p => p.Channel == PaymentChannel.Jsapi && p.Status == PaymentRecordStatus.Succeeded);
        var refunds = await RefundsAsync(order.Id);
        Assert.Equal(
            [(jsapi.Id, b.PriceFen, $"{orderNo}-C1-R{jsapi.Id}"), (jsapi.Id, a.PriceFen - 100, $"{orderNo}-C2-R{jsapi.Id}"), (tickets.Id, 100L, $"{orderNo}-C2-R{tickets.Id}")],
            refunds.Select(r => (r.PaymentId, r.Amount.Fen, r.OutRefundNo)).ToList());
        Assert.Equal((jsapi.Amount, tickets.Amount), (jsapi.RefundedAmount, tickets.RefundedAmount));

        // The tickets are back on the customer's balance at once, through the ledger; WeChat refunds its part.
        Assert.Equal(500, await BalanceAsync(customerId));
        var credit = await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().Set<TicketLedgerEntry>().AsNoTracking()
            .SingleAsync(e => e.CustomerId == customerId && e.Kind == TicketEntryKind.Refund));
        Assert.Equal((500L, orderNo), (credit.Amount, credit.RelatedOrderNo));
        await Eventually.WaitAsync(() => RefundsAsync(order.Id), rs => rs.All(r => r.Status == RefundStatus.Succeeded), "every refund to succeed");
        Assert.Equal(-(a.PriceFen + b.PriceFen - 100), (await LedgerAsync(jsapi.OutTradeNo!)).Where(e => e.Kind == "REFUND").Sum(e => e.Amount));

        var zero = await OrderAsync(orderNo);
        Assert.Equal((0L, 0), (zero.TotalAmount.Fen, zero.Items.Count));

        // The customer sees the corrected order and what went back, newest first.
        var mine = await JsonAsync(await client.GetAsync($"/api/mp/orders/{orderNo}"));
        Assert.Equal("Corrected", mine.GetProperty("orderType").GetString());
        Assert.Equal([("礼票", 100 / 100m, 500L, "已退款"), ("微信", (a.PriceFen - 100) / 100m, 0L, "已退款"), ("微信", b.PriceFen / 100m, 0L, "已退款")],
            mine.GetProperty("refunds").EnumerateArray().Select(r => (r.GetProperty("channelLabel").GetString(), r.GetProperty("amount").GetDecimal(),
                r.GetProperty("tickets").GetInt64(), r.GetProperty("statusLabel").GetString())).ToList());
    }

    [Fact]
    public async Task CorrectingAPaidTicketOrderUpCreatesOneSupplementaryOrderChargedOnce()
    {
        await EnsureCatalogueAsync();
        var device = await Host.NewCabinetAsync();
        var shelf = await ShelfAsync(device);
        var (client, customerId) = await CustomerAsync(100_000);
        var sessionNo = await ShopAsync(client, device, (shelf[0], 1));
        var order = await WaitForPaymentStatusAsync(sessionNo, PaymentStatus.Paid);
        var balance = await BalanceAsync(customerId);
        using var ops = await Host.SignedInClientAsync("ops");

        // The cameras missed a second product: staff add it. Confirmed twice (a retry after a lost answer).
        var requestId = Guid.NewGuid();
        object[] lines = [new { skuCode = shelf[1].Sku, quantity = 2 }];
        var first = await JsonAsync(await CorrectAsync(ops, order.Id, requestId, lines, "摄像头漏识别"));
        var again = await JsonAsync(await CorrectAsync(ops, order.Id, requestId, lines, "摄像头漏识别"));
        Assert.Equal(first.GetProperty("supplementaryOrderNo").GetString(), again.GetProperty("supplementaryOrderNo").GetString());
        Assert.Equal(shelf[1].PriceFen * 2 / 100m, first.GetProperty("supplementaryAmount").GetDecimal());

        var supplementary = await OrderAsync(first.GetProperty("supplementaryOrderNo").GetString()!);
        Assert.Equal((OrderType.Supplementary, order.OrderNo, PaymentType.Tickets, PaymentStatus.Paid, shelf[1].PriceFen * 2),
            (supplementary.OrderType, supplementary.RelatedOrderNo, supplementary.PaymentType, supplementary.PaymentStatus, supplementary.TotalAmount.Fen));
        Assert.Equal(balance - shelf[1].PriceFen * 2 * 5, await BalanceAsync(customerId));
        var original = await OrderAsync(order.OrderNo);
        Assert.Equal((OrderType.Corrected, shelf[0].PriceFen + shelf[1].PriceFen * 2, PaymentStatus.Paid), (original.OrderType, original.TotalAmount.Fen, original.PaymentStatus));
        Assert.Equal(1, await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().Orders.CountAsync(o => o.RelatedOrderNo == order.OrderNo)));

        // A 补扣 itself is not corrected: the original is, and the chain settles as one.
        var refused = await JsonAsync(await CorrectAsync(ops, supplementary.Id, Guid.NewGuid(), [new { lineNo = 1, quantity = 0 }]), HttpStatusCode.Conflict);
        Assert.Equal("order-supplementary", Code(refused));
        var down = await JsonAsync(await CorrectAsync(ops, order.Id, Guid.NewGuid(), [new { lineNo = original.Items.Single(i => i.SkuCode == shelf[1].Sku).LineNo, quantity = 1 }]));
        Assert.Equal((shelf[1].PriceFen / 100m, 0m), (down.GetProperty("refundAmount").GetDecimal(), down.GetProperty("supplementaryAmount").GetDecimal()));
        Assert.Equal(balance - shelf[1].PriceFen * 5, await BalanceAsync(customerId));
    }

    [Fact]
    public async Task CorrectingAPayScoreOrderUpChargesOneSupplementaryOrderOnceThroughAPayScoreOrderOfItsOwn()
    {
        var (order, shelf) = await PaidPayScoreOrderAsync();
        var line = order.Items.Single(i => i.SkuCode == shelf[0].Sku).LineNo;
        using var ops = await Host.SignedInClientAsync("ops");

        var requestId = Guid.NewGuid();
        object[] lines = [new { lineNo = line, quantity = 3 }];
        var answers = await Task.WhenAll(CorrectAsync(ops, order.Id, requestId, lines, "摄像头漏识别"), CorrectAsync(ops, order.Id, requestId, lines, "摄像头漏识别"));
        var views = await Task.WhenAll(answers.Select(a => JsonAsync(a)));
        var no = views[0].GetProperty("supplementaryOrderNo").GetString()!;
        Assert.Equal(no, views[1].GetProperty("supplementaryOrderNo").GetString());

        // WeChat collects it once, under a service order numbered by the 补扣 itself.
        var supplementary = await Eventually.WaitAsync(() => OrderAsync(no), o => o.PaymentStatus == PaymentStatus.Paid, "the 补扣 collected");
        Assert.Equal((OrderType.Supplementary, PaymentType.WeChat, no, shelf[0].PriceFen * 2, shelf[0].PriceFen * 2),
            (supplementary.OrderType, supplementary.PaymentType, supplementary.PayScoreOutOrderNo, supplementary.TotalAmount.Fen, supplementary.WxPaymentAmount.Fen));
        Assert.Equal([("PAYSCORE", shelf[0].PriceFen * 2)], await LedgerAsync(no));
        var payment = Assert.Single(await PaymentsAsync(supplementary.Id));
        Assert.Equal((PaymentChannel.PayScore, PaymentRecordStatus.Succeeded), (payment.Channel, payment.Status));
        // The original's own Pay Score order was not touched.
        Assert.Equal([("PAYSCORE", order.TotalAmount.Fen)], await LedgerAsync(await SessionNoAsync(order)));
    }

    [Fact]
    public async Task ASupplementaryOrderOfACustomerWhoWithdrewPayScoreIsPaidByJsapi()
    {
        var (order, shelf, customer) = await PaidPayScoreOrderWithCustomerAsync();
        var openId = await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().Customers.Where(c => c.Id == order.UserId).Select(c => c.OpenId).SingleAsync());
        using (var sandbox = Host.CreateHttpClient())
            (await sandbox.PostAsync($"/sandbox/wechatpay/users/{openId}/revoke", null)).EnsureSuccessStatusCode();
        using var ops = await Host.SignedInClientAsync("ops");

        var view = await JsonAsync(await CorrectAsync(ops, order.Id, Guid.NewGuid(), [new { lineNo = order.Items.Single(i => i.SkuCode == shelf[0].Sku).LineNo, quantity = 2 }]));
        var no = view.GetProperty("supplementaryOrderNo").GetString()!;
        var owed = await Eventually.WaitAsync(() => OrderAsync(no), o => o.PaymentFailure is not null, "the Pay Score 补扣 refused");
        Assert.Equal((PaymentStatus.Unpaid, (string?)null), (owed.PaymentStatus, owed.PayScoreOutOrderNo));
        Assert.Empty(await LedgerAsync(no));

        // The customer sees it in 我的订单, owed, and pays it there by JSAPI.
        var mine = await JsonAsync(await customer.GetAsync($"/api/mp/orders/{no}"));
        Assert.Equal((shelf[0].PriceFen / 100m, true), (mine.GetProperty("amountDue").GetDecimal(), mine.GetProperty("canPay").GetBoolean()));
        var pay = await PayAsync(customer, no);
        Assert.Equal("jsapi", pay.GetProperty("kind").GetString());
        await PayInWechatAsync(pay.GetProperty("requestPayment"));
        Assert.Equal("Paid", (await CheckAsync(customer, no)).GetProperty("paymentStatus").GetString());
        Assert.Equal([("JSAPI", shelf[0].PriceFen)], await LedgerAsync(no + "-1"));
    }

    private Task<string> SessionNoAsync(Order order) =>
        Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().DoorSessions.Where(s => s.Id == order.DoorSessionId).Select(s => s.SessionNo).SingleAsync());

    [Fact]
    public async Task ParallelConfirmsOfDifferentFormsApplyOneCorrectionAndRefundOnce()
    {
        var (order, shelf) = await PaidPayScoreOrderAsync();
        var line = order.Items.Single(i => i.SkuCode == shelf[1].Sku).LineNo;
        using var ops = await Host.SignedInClientAsync("ops");

        // Twenty staff pages opened on the same order, all confirming at once. One unit of the two
        // (at most ¥59 on the sandbox's shelves) stays under the approval threshold (¥100), so the
        // winner applies at once; two units of a dear product would wait for finance instead.
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => CorrectAsync(ops, order.Id, Guid.NewGuid(), [new { lineNo = line, quantity = 1 }], baseSeq: 0)));

        var outcomes = await Task.WhenAll(answers.Select(async a => $"{(int)a.StatusCode} {await a.Content.ReadAsStringAsync()}"));
        Assert.True(outcomes.Count(o => o.StartsWith("200")) == 1, string.Join("\n", outcomes));
        Assert.All(outcomes.Where(o => !o.StartsWith("200")), o => Assert.StartsWith("409", o));
        var refund = Assert.Single(await RefundsAsync(order.Id));
        Assert.Equal(shelf[1].PriceFen, refund.Amount.Fen);
        Assert.Equal(shelf[1].PriceFen, (await PaymentsAsync(order.Id)).Single().RefundedAmount.Fen);
    }

    [Fact]
    public async Task BadCorrectionsAreRefusedWithAProblemAndChangeNothing()
    {
        var (order, _) = await PaidPayScoreOrderAsync();
        using var ops = await Host.SignedInClientAsync("ops");
        using var finance = await Host.SignedInClientAsync("finance");

        Assert.Equal("validation", Code(await JsonAsync(await CorrectAsync(ops, order.Id, Guid.NewGuid(), [new { lineNo = 1, quantity = 0 }], reason: " "), HttpStatusCode.BadRequest)));
        Assert.Equal("validation", Code(await JsonAsync(await CorrectAsync(ops, order.Id, Guid.NewGuid(), [new { lineNo = 999, quantity = 1 }]), HttpStatusCode.BadRequest)));
        Assert.Equal("validation", Code(await JsonAsync(await CorrectAsync(ops, order.Id, Guid.NewGuid(), [new { lineNo = 1, quantity = -1 }]), HttpStatusCode.BadRequest)));
        Assert.Equal("validation", Code(await JsonAsync(await CorrectAsync(ops, order.Id, Guid.NewGuid(), [new { skuCode = "NO-SUCH-SKU", quantity = 1 }]), HttpStatusCode.BadRequest)));
        Assert.Equal("validation", Code(await JsonAsync(await CorrectAsync(ops, order.Id, Guid.NewGuid(), []), HttpStatusCode.BadRequest)));
        Assert.Equal(HttpStatusCode.Forbidden, (await CorrectAsync(finance, order.Id, Guid.NewGuid(), [new { lineNo = 1, quantity = 0 }])).StatusCode);
        await JsonAsync(await CorrectAsync(ops, long.MaxValue, Guid.NewGuid(), [new { lineNo = 1, quantity = 0 }]), HttpStatusCode.NotFound);

        var unchanged = await OrderAsync(order.OrderNo);
        Assert.Equal((OrderType.Normal, order.TotalAmount), (unchanged.OrderType, unchanged.TotalAmount));
        Assert.Empty(await RefundsAsync(order.Id));
        Assert.Equal(0, await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().OrderCorrections.CountAsync(c => c.OrderId == order.Id)));
    }
}

public sealed class OrderCorrectionOnSqlite(SqliteApp app) : OrderCorrectionTests(app), IClassFixture<SqliteApp>;

public sealed class OrderCorrectionOnPostgres(PostgresApp app) : OrderCorrectionTests(app), IClassFixture<PostgresApp>;

/// <summary>Hosts where every refund needs approval (threshold ¥0), so the two-step path is exercised with the shelf's prices.</summary>
public class SqliteAppApprovingEveryRefund() : AppFixture(DatabaseProvider.Sqlite)
{
    protected override IDictionary<string, string?>? Settings => new Dictionary<string, string?> { ["Corrections:ApprovalThreshold"] = "0" };
}

public class PostgresAppApprovingEveryRefund() : AppFixture(DatabaseProvider.Postgres)
{
    protected override IDictionary<string, string?>? Settings => new Dictionary<string, string?> { ["Corrections:ApprovalThreshold"] = "0" };
}

public abstract class CorrectionApprovalTests(AppFixture app) : OrderCorrectionTestBase(app)
{
    [Fact]
    public async Task ARefundAboveTheThresholdMovesOnlyAfterASecondPersonWithTheFinancePermissionApproves()
    {
        var (order, shelf) = await PaidPayScoreOrderAsync();
        var line = order.Items.Single(i => i.SkuCode == shelf[1].Sku).LineNo;
        using var ops = await Host.SignedInClientAsync("ops");
        using var finance = await Host.SignedInClientAsync("finance");
        using var admin = await Host.SignedInClientAsync("admin");

        var pending = await JsonAsync(await CorrectAsync(ops, order.Id, Guid.NewGuid(), [new { lineNo = line, quantity = 1 }]));
        Assert.Equal(("PendingApproval", shelf[1].PriceFen / 100m), (pending.GetProperty("status").GetString(), pending.GetProperty("refundAmount").GetDecimal()));
        var id = pending.GetProperty("id").GetInt64();
        var untouched = await OrderAsync(order.OrderNo);
        Assert.Equal((OrderType.Normal, order.TotalAmount), (untouched.OrderType, untouched.TotalAmount));
        Assert.Empty(await RefundsAsync(order.Id));
        Assert.Contains((await finance.GetFromJsonAsync<JsonElement>("/api/admin/corrections/pending")).EnumerateArray(), c => c.GetProperty("id").GetInt64() == id);

        // One pending correction per order; the operator cannot approve; approving needs a reason to reject.
        Assert.Equal("correction-pending", Code(await JsonAsync(await CorrectAsync(ops, order.Id, Guid.NewGuid(), [new { lineNo = line, quantity = 0 }]), HttpStatusCode.Conflict)));
        Assert.Equal(HttpStatusCode.Forbidden, (await ops.PostAsJsonAsync($"/api/admin/corrections/{id}/approve", new { note = "ok" })).StatusCode);
        await JsonAsync(await finance.PostAsJsonAsync($"/api/admin/corrections/{id}/reject", new { note = "" }), HttpStatusCode.BadRequest);

        var approvals = await Task.WhenAll(finance.PostAsJsonAsync($"/api/admin/corrections/{id}/approve", new { note = "已核实录像" }),
            finance.PostAsJsonAsync($"/api/admin/corrections/{id}/approve", new { note = "已核实录像" }));
        foreach (var approved in approvals)
        {
            var view = await JsonAsync(approved);
            Assert.Equal(("Applied", "finance"), (view.GetProperty("status").GetString(), view.GetProperty("reviewedBy").GetString()));
        }
        var refund = Assert.Single(await RefundsAsync(order.Id));
        Assert.Equal(shelf[1].PriceFen, refund.Amount.Fen);
        Assert.Equal("correction-reviewed", Code(await JsonAsync(await finance.PostAsJsonAsync($"/api/admin/corrections/{id}/reject", new { note = "晚了" }), HttpStatusCode.Conflict)));

        // Asked by someone who may also approve: still a second person.
        var own = await JsonAsync(await CorrectAsync(admin, order.Id, Guid.NewGuid(), [new { lineNo = line, quantity = 0 }]));
        Assert.Equal("correction-same-person", Code(await JsonAsync(await admin.PostAsJsonAsync($"/api/admin/corrections/{own.GetProperty("id").GetInt64()}/approve", new { }),
            HttpStatusCode.Conflict)));
        var rejected = await JsonAsync(await finance.PostAsJsonAsync($"/api/admin/corrections/{own.GetProperty("id").GetInt64()}/reject", new { note = "录像显示只拿了一件" }));
        Assert.Equal("Rejected", rejected.GetProperty("status").GetString());
        Assert.Single(await RefundsAsync(order.Id));

        var actions = await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().AuditLog.AsNoTracking()
            .Where(a => a.TargetId == order.OrderNo).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
        Assert.Equal(["order.correction-request", "order.correction-approve", "order.correct", "order.correction-request", "order.correction-reject"], actions);
    }
}

public sealed class CorrectionApprovalOnSqlite(SqliteAppApprovingEveryRefund app) : CorrectionApprovalTests(app), IClassFixture<SqliteAppApprovingEveryRefund>;

public sealed class CorrectionApprovalOnPostgres(PostgresAppApprovingEveryRefund app) : CorrectionApprovalTests(app), IClassFixture<PostgresAppApprovingEveryRefund>;
