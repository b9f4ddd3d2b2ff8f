using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CabinetOps.Server.Features.DoorSessions;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Messaging;
using CabinetOps.Server.Infrastructure.Persistence;
using CabinetOps.Server.Infrastructure.Time;
using CabinetOps.Server.Integrations.WechatPay;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CabinetOps.Server.Features.Orders;

/// <summary>
/// Ask WeChat about a JSAPI payment and apply what it says. Run inline (<c>InvokeAsync</c>) when the
/// customer is back from <c>wx.requestPayment</c>, so what it causes (a Pay Score sync, a refund)
/// commits with it through the handler's outbox.
/// </summary>
public sealed record CheckJsapiPayment(long PaymentId) : IExternalWork
{
    public string Describe() => $"查询微信支付（JSAPI）支付记录 {PaymentId} 的结果";
}

/// <summary>
/// 微信支付 JSAPI (jsapi-refund-bill.md §1): re-paying an unpaid order, the WeChat remainder of a
/// ticket order, and WeChat orders while Pay Score is switched off. One attempt per
/// <c>out_trade_no</c> (<c>{order_no}-{n}</c>, unique): the same attempt is resumed with an identical
/// body (WeChat answers the current prepay id); a new one is issued only after the previous one is
/// closed — and a close refused because it was paid books that payment instead. So however many
/// times the customer taps 去支付, one attempt at a time can take money.
/// </summary>
public sealed class JsapiCharging(CabinetOpsDbContext db, WechatPayClient wechatPay, WorkQueue queue, OrderRefunds refunds, IOptions<WechatPayOptions> options,
    IOptions<OrderOptions> orderOptions, TimeProvider clock, ILogger<JsapiCharging> logger) : IWechatPayEventProcessor
{
    /// <summary>An attempt this close to its <c>time_expire</c> is closed and replaced rather than resumed.</summary>
    private static readonly TimeSpan ResumeMargin = TimeSpan.FromMinutes(2);

    public IReadOnlyCollection<string> EventTypes { get; } = ["TRANSACTION.SUCCESS"];

    /// <summary>The customer's payment attempt for what is due: the signed <c>wx.requestPayment</c> values, or why not.</summary>
    public async Task<Result<RequestPaymentParams>> PrepayAsync(Order order, string openId, Func<long, Task> check, CancellationToken ct)
    {
        var due = OrderRules.WechatDue(order.PaymentStatus, order.Hold, order.TotalAmount, order.TicketPaymentAmount);
        if (due.Fen <= 0)
            return Problem.Conflict("order-not-payable", "订单无需支付");
        var now = clock.GetUtcNow().UtcDateTime;
        var current = await db.OrderPayments.Where(p => p.OrderId == order.Id && p.Channel == PaymentChannel.Jsapi)
            .OrderByDescending(p => p.Id).FirstOrDefaultAsync(ct);
        if (current is { Status: PaymentRecordStatus.Pending } && (current.ExpiresAt <= now + ResumeMargin || current.Amount != due))
        {
            var closed = await wechatPay.CloseTransactionAsync(current.OutTradeNo!, ct);
            if (!closed.Ok)
                // Refused: most likely paid meanwhile (订单已支付). The query decides and books it.
                return closed.Retryable ? Unavailable : await CheckedAsync(current, check, closed.Message, ct);

            current.Cancel("超时未支付，已关闭", now);
            await db.SaveChangesAsync(ct);
        }

        if (current is not { Status: PaymentRecordStatus.Pending })
            current = await NewAttemptAsync(order, current, due, now, ct);

        var answer = await wechatPay.CreateJsapiOrderAsync(JsapiBody(order, current, openId), ct);
        if (!answer.Ok || answer.Data?.PrepayId is not { Length: > 0 } prepayId)
        {
            if (answer.Retryable)
                return Unavailable;
            logger.LogWarning("JSAPI order {OutTradeNo} refused: {Code} {Message}", current.OutTradeNo, answer.ErrorCode, answer.Message);
            // Refused as it stands: paid already (订单已支付) or closed. The query tells which.
            return await CheckedAsync(current, check, answer.Message ?? answer.ErrorCode, ct);
        }

        current.PrepayId = prepayId;
        await db.SaveChangesAsync(ct);
        return wechatPay.RequestPayment(prepayId);
    }

    /// <summary>WeChat refused a call about this attempt: the query (run as its own unit of work) says whether it was paid.</summary>
    private async Task<Result<RequestPaymentParams>> CheckedAsync(OrderPayment attempt, Func<long, Task> check, string? refusal, CancellationToken ct)
    {
        try
        {
            await check(attempt.Id);
        }
        catch (InvalidOperationException ex)
        {
            // The query did not get an answer either: nothing is known, so nothing new is issued.
            logger.LogWarning(ex, "JSAPI attempt {OutTradeNo} could not be checked", attempt.OutTradeNo);
            return Unavailable;
        }

        await db.Entry(attempt).ReloadAsync(ct);
        return attempt.Status == PaymentRecordStatus.Succeeded
            ? Problem.Conflict("order-paid", "订单已支付")
            : Problem.Conflict("wechatpay-refused", $"微信支付下单失败：{refusal}");
    }

    /// <summary>
    /// The attempt after <paramref name="previous"/> (the first when there is none), stored before
    /// WeChat hears of it. Its number follows the attempt this tap saw, not a count made now: two
    /// taps at once that both saw no open attempt ask for the same number, meet the unique key and
    /// share one attempt, where a fresh count would give the second tap an attempt of its own.
    /// </summary>
    private async Task<OrderPayment> NewAttemptAsync(Order order, OrderPayment? previous, Money due, DateTime now, CancellationToken ct)
    {
        var attempt = previous is null ? 1
            : await db.OrderPayments.CountAsync(p => p.OrderId == order.Id && p.Channel == PaymentChannel.Jsapi && p.Id <= previous.Id, ct) + 1;
        var key = OrderPayment.KeyFor(order.OrderNo, PaymentChannel.Jsapi, attempt);
        var payment = new OrderPayment
        {
            OrderId = order.Id,
            Channel = PaymentChannel.Jsapi,
            Status = PaymentRecordStatus.Pending,
            Amount = due,
            IdempotencyKey = key,
            OutTradeNo = $"{order.OrderNo}-{attempt}",
            // Whole seconds: time_expire has none, and the body must be rebuilt identically.
            ExpiresAt = new DateTime((now + orderOptions.Value.JsapiPayWindow).Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, DateTimeKind.Utc),
            CreatedAt = now,
        };
        db.OrderPayments.Add(payment);
        try
        {
            await db.SaveChangesAsync(ct);
            return payment;
        }
        catch (DbUpdateException)
        {
            db.Entry(payment).State = EntityState.Detached;
            return await db.OrderPayments.SingleAsync(p => p.IdempotencyKey == key, ct);
        }
    }

    /// <summary>§1.1, rebuilt from the stored attempt the same way every time (WeChat returns the current prepay id only for identical parameters).</summary>
    private string JsapiBody(Order order, OrderPayment payment, string openId)
    {
        var o = options.Value;
        return new JsonObject
        {
            ["appid"] = o.AppId,
            ["mchid"] = o.MchId,
            ["description"] = $"智能柜购物 订单{order.OrderNo}",
            ["out_trade_no"] = payment.OutTradeNo,
            ["time_expire"] = ShanghaiTime.FromUtc(payment.ExpiresAt!.Value).ToString("yyyy-MM-dd'T'HH:mm:ss'+08:00'", CultureInfo.InvariantCulture),
            ["attach"] = order.OrderNo,
            ["notify_url"] = o.NotifyUrl,
            ["amount"] = new JsonObject { ["total"] = payment.Amount.Fen, ["currency"] = "CNY" },
            ["payer"] = new JsonObject { ["openid"] = openId },
        }.ToJsonString();
    }

    /// <summary>The query behind the notification (§1.6): applies a payment WeChat took.</summary>
    public async Task CheckAsync(long paymentId, CancellationToken ct)
    {
        var payment = await db.OrderPayments.AsNoTracking().SingleAsync(p => p.Id == paymentId, ct);
        if (payment.Status == PaymentRecordStatus.Succeeded || payment.OutTradeNo is null)
            return;
        var answer = await wechatPay.QueryTransactionAsync(payment.OutTradeNo, ct);
        if (answer.Retryable)
            throw new InvalidOperationException($"查询微信支付订单 {payment.OutTradeNo} 失败：{answer.ErrorCode} {answer.Message}");
        if (answer is { Ok: true, Data.TradeState: "SUCCESS" })
            await ApplyAsync(payment.Id, payment.OrderId, answer.Data, ct);
    }

    /// <summary><c>TRANSACTION.SUCCESS</c>: checked against our attempt (merchant, app, amount) before the order is marked paid.</summary>
    public async Task<string?> ProcessAsync(string eventType, JsonElement resource, CancellationToken ct)
    {
        var paid = resource.Deserialize<Transaction>(WechatPayClient.Json);
        if (paid?.OutTradeNo is not { Length: > 0 } outTradeNo)
            return "通知缺少 out_trade_no";
        var payment = await db.OrderPayments.AsNoTracking().Where(p => p.OutTradeNo == outTradeNo).Select(p => new { p.Id, p.OrderId }).SingleOrDefaultAsync(ct);
        if (payment is null)
            return $"没有商户订单号为 {outTradeNo} 的支付记录";
        if (paid.TradeState != "SUCCESS")
            return $"支付状态为 {paid.TradeState}";
        return await ApplyAsync(payment.Id, payment.OrderId, paid, ct);
    }

    /// <summary>
    /// Books a payment WeChat took, under the order's lock: the notification and the customer's
    /// check of the same payment apply it once, and a payment is refunded as a double collection
    /// only when another one really collected the order first.
    /// </summary>
    private async Task<string?> ApplyAsync(long paymentId, long orderId, Transaction paid, CancellationToken ct)
    {
        await db.LockOrderAsync(orderId, ct);
        var payment = await db.OrderPayments.SingleAsync(p => p.Id == paymentId, ct);
        var o = options.Value;
        if (paid.Mchid != o.MchId || paid.Appid != o.AppId || paid.Amount?.Total != payment.Amount.Fen)
        {
            logger.LogError("JSAPI payment {OutTradeNo} does not match our attempt (mchid {Mchid}, appid {Appid}, amount {Amount})",
                payment.OutTradeNo, paid.Mchid, paid.Appid, paid.Amount?.Total);
            return $"支付 {payment.OutTradeNo} 与本地记录不符（商户、应用或金额）";
        }

        if (payment.Status == PaymentRecordStatus.Succeeded)
            return null;
        var now = clock.GetUtcNow().UtcDateTime;
        payment.Status = PaymentRecordStatus.Succeeded;
        payment.TransactionId = paid.TransactionId;
        payment.CompletedAt = now;
        payment.FailureReason = null;
        var order = await db.Orders.SingleAsync(x => x.Id == payment.OrderId, ct);
        if (order.PaymentStatus == PaymentStatus.Paid)
        {
            // Collected already (Pay Score deducted, or another attempt): this money goes back in full.
            logger.LogWarning("Order {OrderNo} was already paid; JSAPI payment {OutTradeNo} is refunded", order.OrderNo, payment.OutTradeNo);
            await refunds.RefundDoubleCollectionAsync(order, payment, ct);
            await db.SaveChangesAsync(ct);
            return null;
        }

        order.PaymentStatus = PaymentStatus.Paid;
        order.PaymentTime = paid.SuccessTime?.UtcDateTime ?? now;
        order.WxPaymentAmount = payment.Amount;
        order.PaymentFailure = null;
        order.UpdatedAt = now;
        // The session's Pay Score order must not collect as well. Completed (or maybe completed: a
        // complete whose answer was lost may have reached WeChat) → sync, which asks WeChat and
        // stops, books or cancels as it finds; its complete refused → cancel. A complete still to
        // run finds the order paid and leaves it alone.
        var payScore = await db.OrderPayments.SingleOrDefaultAsync(p => p.OrderId == order.Id && p.Channel == PaymentChannel.PayScore, ct);
        if (payScore?.Status == PaymentRecordStatus.Pending)
            await queue.EnqueueAsync(new SyncPayScoreOrder(order.Id), ct);
        else if (payScore is null or { Status: PaymentRecordStatus.Failed } && await MayHoldPayScoreOrderAsync(order, ct))
            await queue.EnqueueAsync(payScore is null ? new SyncPayScoreOrder(order.Id) : PayScoreCharging.CancelFor(order, "已通过微信支付收款"), ct);
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>A Pay Score service order may charge this order too: its session's, or a 补扣's own.</summary>
    private async Task<bool> MayHoldPayScoreOrderAsync(Order order, CancellationToken ct) =>
        order.PayScoreOutOrderNo is not null
        || (order.DoorSessionId is { } sessionId && await db.DoorSessions.AsNoTracking().SingleAsync(s => s.Id == sessionId, ct) is { MayHoldPayScoreOrder: true });

    private static readonly Problem Unavailable = new("wechatpay-unavailable", "微信支付暂时不可用，请稍后重试", StatusCodes.Status503ServiceUnavailable);
}

public static class CheckJsapiPaymentHandler
{
    public static Task Handle(CheckJsapiPayment message, JsapiCharging charging, CancellationToken ct) => charging.CheckAsync(message.PaymentId, ct);
}
