using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CabinetOps.Server.Features.DoorSessions;
using CabinetOps.Server.Infrastructure.Messaging;
using CabinetOps.Server.Infrastructure.Persistence;
using CabinetOps.Server.Infrastructure.Time;
using CabinetOps.Server.Integrations.WechatPay;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CabinetOps.Server.Features.Orders;

/// <summary>Durable work: complete the Pay Score service order of an order with its real amount (payscore.md §4.5).</summary>
public sealed record CompletePayScoreOrder(long OrderId) : IExternalWork
{
    public string Describe() => $"完结订单 {OrderId} 的微信支付分订单";
}

/// <summary>
/// Durable work: ask WeChat about a Pay Score order still 支付中, in case its <c>USER_PAID</c> was lost
/// (payscore.md §6: back notifications with queries). Attempt 0: the customer asked (back from the
/// Pay Score page); nothing is scheduled after it.
/// </summary>
public sealed record CheckPayScoreCollection(long OrderId, int Attempt = 1) : IExternalWork
{
    public string Describe() => $"查询订单 {OrderId} 的微信支付分扣款结果（第 {Attempt} 次）";
}

/// <summary>Durable work: a 补扣 of a Pay Score order gets a service order of its own (create, then complete), or falls back to JSAPI.</summary>
public sealed record CreateSupplementaryPayScoreOrder(long OrderId) : IExternalWork
{
    public string Describe() => $"为补扣订单 {OrderId} 创建微信支付分订单";
}

/// <summary>Durable work: cancel the service order of a 补扣 that will not be collected through it.</summary>
public sealed record CancelSupplementaryPayScoreOrder(long OrderId, string Reason) : IExternalWork
{
    public string Describe() => $"撤销补扣订单 {OrderId} 的微信支付分订单";
}

/// <summary>Section <c>Orders</c>.</summary>
public sealed class OrderOptions
{
    public const string Section = "Orders";

    /// <summary>A Pay Score order still 支付中 this long after the complete is checked with WeChat; the wait doubles after each check.</summary>
    public TimeSpan PayScoreCollectionCheckAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How many such checks at most; after them the order stays 支付中 (WeChat keeps deducting on its own) for staff to see.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 50)]
    public int PayScoreCollectionChecks { get; set; } = 10;

    /// <summary>How long a JSAPI payment attempt can be paid (its <c>time_expire</c>); afterwards 去支付 closes it and issues a new one.</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan JsapiPayWindow { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A refund still PROCESSING this long after it was accepted is checked with WeChat; the wait doubles (jsapi-refund-bill.md §2.2).</summary>
    public TimeSpan RefundCheckAfter { get; set; } = TimeSpan.FromMinutes(1);

    [System.ComponentModel.DataAnnotations.Range(1, 50)]
    public int RefundChecks { get; set; } = 10;

    /// <summary>A charged order whose vendor unit price differs from ours by more than this many fen on a line also enters the exception queue for review.</summary>
    [System.ComponentModel.DataAnnotations.Range(0, 100_000)]
    public long PriceMismatchReviewFen { get; set; } = 50;
}

/// <summary>Durable work: a Pay Score order the customer paid by JSAPI is reported paid to WeChat (payscore.md §4.7), so it stops deducting.</summary>
public sealed record SyncPayScoreOrder(long OrderId) : IExternalWork
{
    public string Describe() => $"向微信支付分同步订单 {OrderId} 已通过微信支付收款";
}

/// <summary>
/// 微信支付分 charging (DESIGN §6): after the order push, the service order is completed with our
/// amount and one line per product; WeChat then deducts on its own and says so with
/// <c>PAYSCORE.USER_PAID</c>, which marks the order paid. While WeChat deducts the order shows
/// 支付中 (<c>Paying</c>). The complete body is rebuilt from the order the same way on every retry,
/// because WeChat accepts a repeated complete only with identical parameters.
/// </summary>
public sealed class PayScoreCharging(CabinetOpsDbContext db, WechatPayClient wechatPay, WorkQueue queue, OrderRefunds refunds, IOptions<WechatPayOptions> options,
    IOptions<OrderOptions> orderOptions, TimeProvider clock, ILogger<PayScoreCharging> logger) : IWechatPayEventProcessor
{
    public IReadOnlyCollection<string> EventTypes { get; } = ["PAYSCORE.USER_PAID"];

    /// <summary>
    /// Under the order's lock for the whole call, so a <c>USER_PAID</c> that overtakes the answer
    /// waits for this commit and finds the payment row, and a JSAPI payment applied first is seen
    /// (the order is paid: nothing is completed, and that payment cancelled the service order).
    /// </summary>
    public async Task CompleteAsync(long orderId, CancellationToken ct)
    {
        await db.LockOrderAsync(orderId, ct);
        var order = await db.Orders.Include(o => o.Items).SingleAsync(o => o.Id == orderId, ct);
        if (order.PaymentStatus is PaymentStatus.Paid or PaymentStatus.Cancelled)
            return;
        var outOrderNo = await OutOrderNoAsync(order, ct);
        var closedAt = order.DoorSessionId is { } sessionId ? await db.DoorSessions.Where(s => s.Id == sessionId).Select(s => s.ClosedAt).SingleAsync(ct) : null;
        var answer = await wechatPay.CompleteServiceOrderAsync(outOrderNo, CompleteBody(order, closedAt), ct);
        if (answer.Retryable)
            throw new InvalidOperationException($"完结微信支付分订单 {outOrderNo} 失败：{answer.ErrorCode} {answer.Message}");
        var now = clock.GetUtcNow().UtcDateTime;
        var payment = await PaymentAsync(order, now, ct);
        if (!answer.Ok)
        {
            // Refused as it stands (the order's state, the amount): staff must look; nothing was collected.
            logger.LogWarning("Complete of Pay Score order {OutOrderNo} refused: {Code} {Message}", outOrderNo, answer.ErrorCode, answer.Message);
            payment.Status = PaymentRecordStatus.Failed;
            payment.FailureReason = Truncate($"微信支付分完结被拒：{answer.Message ?? answer.ErrorCode}");
            order.PaymentStatus = PaymentStatus.Failed;
            order.PaymentFailure = payment.FailureReason;
        }
        else if (!await ApplyCollectionAsync(order, payment, answer.Data!, now, ct))
        {
            order.PaymentStatus = PaymentStatus.Paying;
            order.PaymentFailure = null;
            await queue.EnqueueAsync(new CheckPayScoreCollection(order.Id), ct, orderOptions.Value.PayScoreCollectionCheckAfter);
        }

        order.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The query behind the notification: applies a collection WeChat made, or checks again later (the wait doubles).</summary>
    public async Task CheckCollectionAsync(long orderId, int attempt, CancellationToken ct)
    {
        await db.LockOrderAsync(orderId, ct);
        var order = await db.Orders.SingleAsync(o => o.Id == orderId, ct);
        if (order.PaymentStatus is not (PaymentStatus.Paying or PaymentStatus.Failed))
            return;
        var sessionNo = await OutOrderNoAsync(order, ct);
        var answer = await wechatPay.QueryServiceOrderAsync(sessionNo, ct);
        if (answer.Retryable)
            throw new InvalidOperationException($"查询微信支付分订单 {sessionNo} 失败：{answer.ErrorCode} {answer.Message}");
        var now = clock.GetUtcNow().UtcDateTime;
        if (answer.Ok && await ApplyCollectionAsync(order, await PaymentAsync(order, now, ct), answer.Data!, now, ct))
        {
            logger.LogInformation("Pay Score order {OutOrderNo} found paid by query", sessionNo);
            await db.SaveChangesAsync(ct);
            return;
        }

        var o = orderOptions.Value;
        if (attempt == 0)
            return;
        if (attempt < o.PayScoreCollectionChecks)
            await queue.EnqueueAsync(new CheckPayScoreCollection(orderId, attempt + 1), ct, o.PayScoreCollectionCheckAfter * Math.Pow(2, Math.Min(attempt, 10)));
        else
            logger.LogWarning("Pay Score order {OutOrderNo} still not collected after {Attempts} checks", sessionNo, attempt);
    }

    /// <summary><c>PAYSCORE.USER_PAID</c>: WeChat collected the money (deduction, or the customer paid on the Pay Score page).</summary>
    public async Task<string?> ProcessAsync(string eventType, JsonElement resource, CancellationToken ct)
    {
        var paid = resource.Deserialize<ServiceOrder>(WechatPayClient.Json);
        if (paid?.OutOrderNo is not { Length: > 0 } outOrderNo)
            return "通知缺少 out_order_no";
        var orderId = await db.Orders.Where(o => o.PayScoreOutOrderNo == outOrderNo).Select(o => (long?)o.Id).SingleOrDefaultAsync(ct)
                      ?? await (from o in db.Orders
                                join s in db.DoorSessions on o.DoorSessionId equals s.Id
                                where s.SessionNo == outOrderNo
                                select (long?)o.Id).SingleOrDefaultAsync(ct);
        if (orderId is null)
            return $"支付分订单 {outOrderNo} 没有对应的订单";
        await db.LockOrderAsync(orderId.Value, ct);
        var order = await db.Orders.SingleAsync(o => o.Id == orderId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var payment = await PaymentAsync(order, now, ct);
        if (!await ApplyCollectionAsync(order, payment, paid, now, ct))
            return $"支付分订单 {outOrderNo} 尚未收款（{paid.State}/{paid.Collection?.State}）";
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>
    /// The order's one Pay Score payment row, created by whichever of the complete and a collection
    /// comes first (both hold the order's lock, so the second finds it).
    /// </summary>
    private async Task<OrderPayment> PaymentAsync(Order order, DateTime now, CancellationToken ct)
    {
        var key = OrderPayment.KeyFor(order.OrderNo, PaymentChannel.PayScore);
        var payment = await db.OrderPayments.SingleOrDefaultAsync(p => p.IdempotencyKey == key, ct);
        if (payment is null)
        {
            payment = new OrderPayment { OrderId = order.Id, Channel = PaymentChannel.PayScore, Amount = order.TotalAmount, IdempotencyKey = key, CreatedAt = now };
            db.OrderPayments.Add(payment);
        }

        return payment;
    }

    /// <summary>
    /// Marks the order paid when WeChat's entity says Pay Score collected the whole amount (state
    /// DONE, collection USER_PAID, paid_amount = our total, paid through Pay Score — an <c>MCH</c>
    /// entry is our own sync, not money); true when it did (or the order was already paid). If the
    /// customer had paid by JSAPI meanwhile, that JSAPI payment is refunded.
    /// </summary>
    private async Task<bool> ApplyCollectionAsync(Order order, OrderPayment payment, ServiceOrder entity, DateTime now, CancellationToken ct)
    {
        if (payment.Status == PaymentRecordStatus.Succeeded)
            return true;
        if (entity.State != "DONE" || entity.Collection is not { State: "USER_PAID" } collection || collection.PaidAmount != order.TotalAmount.Fen)
            return false;
        var detail = collection.Details?.FirstOrDefault();
        if (detail?.PaidType == "MCH")
            return false;
        var paidAt = detail?.PaidTime is { } t && DateTime.TryParseExact(t, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            ? ShanghaiTime.ToUtc(local) : now;
        payment.Status = PaymentRecordStatus.Succeeded;
        payment.TransactionId = detail?.TransactionId;
        payment.CompletedAt = now;
        payment.FailureReason = null;
        if (order.PaymentStatus == PaymentStatus.Paid)
        {
            var jsapi = await db.OrderPayments.Where(p => p.OrderId == order.Id && p.Channel == PaymentChannel.Jsapi && p.Status == PaymentRecordStatus.Succeeded).ToListAsync(ct);
            logger.LogWarning("Pay Score collected order {OrderNo} that was paid by JSAPI; the JSAPI payment is refunded", order.OrderNo);
            foreach (var p in jsapi)
                await refunds.RefundDoubleCollectionAsync(order, p, ct);
            return true;
        }

        order.WxPaymentAmount = order.TotalAmount;
        order.PaymentStatus = PaymentStatus.Paid;
        order.PaymentTime = paidAt;
        order.PaymentFailure = null;
        order.UpdatedAt = now;
        return true;
    }

    /// <summary>
    /// After a JSAPI payment of an order whose session holds a Pay Score order: <c>Order_Paid</c>
    /// with the JSAPI payment's time, so WeChat stops deducting. Refused, the query decides:
    /// collected first (ORDER_DONE) → that collection is booked and the JSAPI payment refunded;
    /// never completed (the complete had not run, or never reached WeChat) → nothing to stop, the
    /// service order is cancelled. A complete whose answer was lost may have reached WeChat, which
    /// is why this asks rather than assumes. Anything else is retried, then left to staff.
    /// </summary>
    public async Task SyncAsync(long orderId, CancellationToken ct)
    {
        await db.LockOrderAsync(orderId, ct);
        var order = await db.Orders.SingleAsync(o => o.Id == orderId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var payment = await PaymentAsync(order, now, ct);
        if (payment.Status != PaymentRecordStatus.Pending)
            return;
        var sessionNo = await OutOrderNoAsync(order, ct);
        var paidTime = ShanghaiTime.FromUtc(order.PaymentTime ?? now).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var answer = await wechatPay.SyncServiceOrderAsync(sessionNo, paidTime, ct);
        if (answer.Ok)
        {
            payment.Cancel("已通过微信支付收款，支付分订单已同步为已支付", now);
            await db.SaveChangesAsync(ct);
            return;
        }

        if (!answer.Retryable)
        {
            var entity = await wechatPay.QueryServiceOrderAsync(sessionNo, ct);
            if (entity.Ok && await ApplyCollectionAsync(order, payment, entity.Data!, now, ct))
            {
                await db.SaveChangesAsync(ct);
                return;
            }

            if (NeverCompleted(entity))
            {
                payment.Cancel("已通过微信支付收款，支付分订单未完结", now);
                if (entity.Ok && entity.Data!.State is "DOING" or "CREATED")
                    await queue.EnqueueAsync(CancelFor(order, "已通过微信支付收款"), ct);
                await db.SaveChangesAsync(ct);
                return;
            }
        }

        throw new InvalidOperationException($"同步微信支付分订单 {sessionNo} 失败：{answer.ErrorCode} {answer.Message}");
    }

    /// <summary>WeChat holds no completed order to collect: none at all, cancelled or expired, or still in force without a completion.</summary>
    private static bool NeverCompleted(WechatPayResult<ServiceOrder> entity) =>
        entity.ErrorCode == "ORDER_NOT_EXIST"
        || entity is { Ok: true, Data: { State: "REVOKED" or "EXPIRED" or "CREATED" } or { State: "DOING", Collection: null } };

    /// <summary>§4.5 for smart retail: one 商品信息 line per product (amount = line total), the total, and when the service ended (the door closed; a 补扣's own time).</summary>
    private string CompleteBody(Order order, DateTime? closedAt)
    {
        var o = options.Value;
        var end = ShanghaiTime.FromUtc(closedAt ?? order.OrderTime).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["appid"] = o.AppId,
            ["service_id"] = o.ServiceId,
            ["post_payments"] = new JsonArray(order.Items.OrderBy(i => i.LineNo).Select(i => (JsonNode)new JsonObject
            {
                ["name"] = "商品信息",
                ["amount"] = i.Amount.Fen,
                ["description"] = i.Name.Length > 30 ? i.Name[..30] : i.Name,
                ["count"] = i.Quantity,
            }).ToArray()),
            ["total_amount"] = order.TotalAmount.Fen,
            ["time_range"] = new JsonObject { ["end_time"] = end },
        }.ToJsonString();
    }

    /// <summary>
    /// 补扣 of a Pay Score order (payscore.md §4.6: an unpaid order cannot be raised, the difference is a
    /// new order): a 免确认 service order numbered by the 补扣's order number, estimated at its amount,
    /// then completed like any order. The body is built from the stored order, so a retry resends it
    /// unchanged (§4.1 原参重入). Refused (the customer withdrew the authorisation, risk control) →
    /// the customer pays it by JSAPI from 我的订单, where the unpaid-order block sends them.
    /// </summary>
    public async Task CreateSupplementaryAsync(long orderId, CancellationToken ct)
    {
        await db.LockOrderAsync(orderId, ct);
        var order = await db.Orders.SingleAsync(o => o.Id == orderId, ct);
        if (order.PaymentStatus is PaymentStatus.Paid or PaymentStatus.Cancelled || order.PayScoreOutOrderNo is not { } outOrderNo)
            return;
        var openId = await db.Customers.Where(c => c.Id == order.UserId).Select(c => c.OpenId).SingleAsync(ct);
        var deviceCode = await db.Devices.Where(d => d.Id == order.DeviceId).Select(d => d.DeviceCode).SingleAsync(ct);
        // Built from the stored order (its creation time, its amount), so a retry resends the same body.
        var body = PayScoreServiceOrders.CreateBody(options.Value, outOrderNo, "智能柜订单补扣", order.CreatedAt, order.TotalAmount, "订单修正补扣金额", openId, deviceCode,
            noConfirm: true);
        var answer = await wechatPay.CreateServiceOrderAsync(body, ct);
        if (answer.Retryable)
            throw new InvalidOperationException($"创建补扣的微信支付分订单 {outOrderNo} 失败：{answer.ErrorCode} {answer.Message}");
        if (answer.Ok && answer.Data is { State: "DOING" })
        {
            await queue.EnqueueAsync(new CompletePayScoreOrder(order.Id), ct);
            return;
        }

        logger.LogWarning("Pay Score order for supplementary {OrderNo} not in force: {State} {Code} {Message}; the customer pays it by JSAPI",
            order.OrderNo, answer.Data?.State, answer.ErrorCode, answer.Message);
        if (answer.Ok)
            await queue.EnqueueAsync(new CancelSupplementaryPayScoreOrder(order.Id, "补扣改由顾客微信支付"), ct);
        else
            // A refusal proves WeChat holds no such order: the 补扣 is no longer a Pay Score one.
            order.PayScoreOutOrderNo = null;
        order.PaymentFailure = "微信支付分扣款未成功，请在「我的订单」中支付";
        order.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
    }

    public async Task CancelSupplementaryAsync(long orderId, string reason, CancellationToken ct)
    {
        var outOrderNo = await db.Orders.Where(o => o.Id == orderId).Select(o => o.PayScoreOutOrderNo).SingleAsync(ct);
        if (outOrderNo is null)
            return;
        var answer = await wechatPay.CancelServiceOrderAsync(outOrderNo, reason, ct);
        if (answer.Retryable)
            throw new InvalidOperationException($"撤销微信支付分订单 {outOrderNo} 失败：{answer.ErrorCode} {answer.Message}");
        if (!answer.Ok && answer.ErrorCode != "ORDER_NOT_EXIST")
            logger.LogWarning("Cancel of Pay Score order {OutOrderNo} refused: {Code} {Message}", outOrderNo, answer.ErrorCode, answer.Message);
    }

    /// <summary>The service order that charges an order: a 补扣's own, else its session's.</summary>
    private async Task<string> OutOrderNoAsync(Order order, CancellationToken ct) =>
        order.PayScoreOutOrderNo ?? await db.DoorSessions.Where(s => s.Id == order.DoorSessionId).Select(s => s.SessionNo).SingleAsync(ct);

    /// <summary>Cancels the service order that would charge an order (its own, or its session's).</summary>
    public static IExternalWork CancelFor(Order order, string reason) =>
        order.PayScoreOutOrderNo is not null ? new CancelSupplementaryPayScoreOrder(order.Id, reason) : new CancelPayScoreOrder(order.DoorSessionId!.Value, reason);

    private static string Truncate(string s) => s.Length > 200 ? s[..200] : s;
}

public static class CompletePayScoreOrderHandler
{
    public static Task Handle(CompletePayScoreOrder message, PayScoreCharging charging, CancellationToken ct) => charging.CompleteAsync(message.OrderId, ct);
}

public static class CheckPayScoreCollectionHandler
{
    public static Task Handle(CheckPayScoreCollection message, PayScoreCharging charging, CancellationToken ct) =>
        charging.CheckCollectionAsync(message.OrderId, message.Attempt, ct);
}

public static class SyncPayScoreOrderHandler
{
    public static Task Handle(SyncPayScoreOrder message, PayScoreCharging charging, CancellationToken ct) => charging.SyncAsync(message.OrderId, ct);
}

public static class CreateSupplementaryPayScoreOrderHandler
{
    public static Task Handle(CreateSupplementaryPayScoreOrder message, PayScoreCharging charging, CancellationToken ct) => charging.CreateSupplementaryAsync(message.OrderId, ct);
}

public static class CancelSupplementaryPayScoreOrderHandler
{
    public static Task Handle(CancelSupplementaryPayScoreOrder message, PayScoreCharging charging, CancellationToken ct) =>
        charging.CancelSupplementaryAsync(message.OrderId, message.Reason, ct);
}
