using System.Text.Json;
using System.Text.Json.Nodes;
using CabinetOps.Server.Features.Staff;
using CabinetOps.Server.Features.Tickets;
using CabinetOps.Server.Infrastructure.Messaging;
using CabinetOps.Server.Infrastructure.Persistence;
using CabinetOps.Server.Integrations.WechatPay;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CabinetOps.Server.Features.Orders;

/// <summary>Durable work: send a stored refund to WeChat (same <c>out_refund_no</c>, same body on every retry).</summary>
public sealed record SendRefund(string OutRefundNo) : IExternalWork
{
    public string Describe() => $"向微信支付申请退款 {OutRefundNo}";
}

/// <summary>Durable work: ask WeChat about a refund still in progress (jsapi-refund-bill.md §2.2), in case its notification was lost.</summary>
public sealed record CheckRefund(string OutRefundNo, int Attempt = 1) : IExternalWork
{
    public string Describe() => $"查询退款 {OutRefundNo} 的结果（第 {Attempt} 次）";
}

/// <summary>
/// WeChat refunds (jsapi-refund-bill.md §2). A refund row is stored with the change that causes it
/// and sent as durable work; its <c>out_refund_no</c> is derived from the cause, unique, so a cause
/// refunds once however often it is processed. <c>REFUND.*</c> notifications or a query settle it.
/// Issue #6 refunds a double collection (the customer paid by JSAPI while Pay Score also collected);
/// corrections (issue #7) add their own causes.
/// </summary>
public sealed class OrderRefunds(CabinetOpsDbContext db, WechatPayClient wechatPay, WorkQueue queue, TicketLedger tickets, IOptions<WechatPayOptions> options,
    IOptions<OrderOptions> orderOptions, TimeProvider clock, ILogger<OrderRefunds> logger) : IWechatPayEventProcessor
{
    public IReadOnlyCollection<string> EventTypes { get; } = ["REFUND.SUCCESS", "REFUND.ABNORMAL", "REFUND.CLOSED"];

    /// <summary>A payment that collected what another channel had already collected goes back in full (DESIGN §6).</summary>
    public async Task RefundDoubleCollectionAsync(Order order, OrderPayment payment, CancellationToken ct)
    {
        if (!await RequestAsync(order, payment, payment.Amount, $"{payment.OutTradeNo ?? payment.TransactionId}-R", "重复支付退款", ct))
            logger.LogError("Double collection {PaymentId} of order {OrderNo} not refunded: the payment has been refunded already", payment.Id, order.OrderNo);
    }

    /// <summary>
    /// Stores a refund of <paramref name="amount"/> from <paramref name="payment"/> for the cause named by
    /// <paramref name="outRefundNo"/> and sends it as durable work, in the caller's transaction. A cause
    /// already stored is not refunded again (true); false when the payment has not that much left to
    /// give back (<see cref="RefundCap"/>), and nothing is stored. A refund changes the order's money, so
    /// it takes the order's lock first (decision 0012; a no-op when the caller holds it already).
    /// Tickets are our own money: their refund is a ledger entry for the order's customer, made and
    /// settled in this same transaction.
    /// </summary>
    public async Task<bool> RequestAsync(Order order, OrderPayment payment, Money amount, string outRefundNo, string reason, CancellationToken ct,
        StaffActor? actor = null)
    {
        await db.LockOrderAsync(order.Id, ct);
        if (await db.OrderRefunds.AnyAsync(r => r.OutRefundNo == outRefundNo, ct))
            return true;
        // The payment may have been collected, or even stored, in this very transaction: the
        // reservation reads its row, so what is pending is written first (nothing is committed).
        await db.SaveChangesAsync(ct);
        if (!await db.TryReserveRefundAsync(payment.Id, amount, ct))
            return false;
        var refund = new OrderRefund
        {
            OrderId = order.Id,
            PaymentId = payment.Id,
            OutRefundNo = outRefundNo,
            Amount = amount,
            Status = RefundStatus.Pending,
            Reason = reason,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.OrderRefunds.Add(refund);
        if (payment.Channel != PaymentChannel.Tickets)
        {
            await queue.EnqueueAsync(new SendRefund(outRefundNo), ct);
            return true;
        }

        var credited = await tickets.PostAsync(order.UserId ?? throw new InvalidOperationException($"订单 {order.OrderNo} 没有顾客，礼票无处可退"),
            TicketEntryKind.Refund, amount.ToTickets(), reason, actor ?? StaffActor.System, order.OrderNo, ct);
        if (!credited.IsSuccess)
            throw new InvalidOperationException($"退回礼票失败：{credited.Problem!.Title}");
        Settle(refund, null, null);
        return true;
    }

    public async Task SendAsync(string outRefundNo, CancellationToken ct)
    {
        var refund = await LockedAsync(outRefundNo, ct) ?? throw new InvalidOperationException($"退款 {outRefundNo} 不存在");
        if (refund.Status != RefundStatus.Pending)
            return;
        var payment = await db.OrderPayments.AsNoTracking().SingleAsync(p => p.Id == refund.PaymentId, ct);
        var answer = await wechatPay.RefundAsync(RefundBody(refund, payment), ct);
        if (answer.Retryable)
            throw new InvalidOperationException($"申请退款 {outRefundNo} 失败：{answer.ErrorCode} {answer.Message}");
        if (!answer.Ok)
        {
            logger.LogError("Refund {OutRefundNo} refused: {Code} {Message}", outRefundNo, answer.ErrorCode, answer.Message);
            Settle(refund, null, $"微信支付拒绝退款：{answer.Message ?? answer.ErrorCode}");
            // Never accepted: nothing left the merchant, so the money can be refunded again.
            await db.ReleaseRefundAsync(refund.PaymentId, refund.Amount, ct);
        }
        else
        {
            await ApplyAsync(refund, answer.Data!.Status, answer.Data.RefundId, 0, ct);
        }

        await db.SaveChangesAsync(ct);
    }

    public async Task CheckAsync(string outRefundNo, int attempt, CancellationToken ct)
    {
        var refund = await LockedAsync(outRefundNo, ct) ?? throw new InvalidOperationException($"退款 {outRefundNo} 不存在");
        if (refund.Status != RefundStatus.Processing)
            return;
        var answer = await wechatPay.QueryRefundAsync(outRefundNo, ct);
        if (answer.Retryable)
            throw new InvalidOperationException($"查询退款 {outRefundNo} 失败：{answer.ErrorCode} {answer.Message}");
        await ApplyAsync(refund, answer.Data?.Status, answer.Data?.RefundId, attempt, ct);
        await db.SaveChangesAsync(ct);
    }

    /// <summary><c>REFUND.SUCCESS / ABNORMAL / CLOSED</c> (the state is <c>refund_status</c> here, §2.6).</summary>
    public async Task<string?> ProcessAsync(string eventType, JsonElement resource, CancellationToken ct)
    {
        var notified = resource.Deserialize<Refund>(WechatPayClient.Json);
        var refund = notified?.OutRefundNo is { } no ? await LockedAsync(no, ct) : null;
        if (refund is null)
            return $"未知的退款 {notified?.OutRefundNo}";
        if (refund.Status is RefundStatus.Succeeded or RefundStatus.Failed)
            return null;
        await ApplyAsync(refund, notified!.RefundStatus, notified.RefundId, int.MaxValue, ct);
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>A refund read under its order's lock, so its answer, its notification and its check apply one after the other.</summary>
    private async Task<OrderRefund?> LockedAsync(string outRefundNo, CancellationToken ct)
    {
        var orderId = await db.OrderRefunds.AsNoTracking().Where(r => r.OutRefundNo == outRefundNo).Select(r => (long?)r.OrderId).SingleOrDefaultAsync(ct);
        if (orderId is null)
            return null;
        await db.LockOrderAsync(orderId.Value, ct);
        return await db.OrderRefunds.SingleAsync(r => r.OutRefundNo == outRefundNo, ct);
    }

    /// <summary>SUCCESS and CLOSED are final; ABNORMAL needs staff in WeChat's merchant console; PROCESSING is checked again later (the wait doubles).</summary>
    private async Task ApplyAsync(OrderRefund refund, string? status, string? refundId, int checks, CancellationToken ct)
    {
        refund.RefundId ??= refundId;
        switch (status)
        {
            case "SUCCESS":
                Settle(refund, refundId, null);
                return;
            case "CLOSED":
            case "ABNORMAL":
                logger.LogError("Refund {OutRefundNo} ended {Status}", refund.OutRefundNo, status);
                Settle(refund, refundId, status == "CLOSED" ? "退款已关闭，需重新发起" : "退款异常（原路退回失败），请在微信支付商户平台处理");
                // CLOSED gave the money back to the merchant, so it may be refunded again; after ABNORMAL
                // it sits with WeChat until staff redirect it there, and stays reserved.
                if (status == "CLOSED")
                    await db.ReleaseRefundAsync(refund.PaymentId, refund.Amount, ct);
                return;
        }

        refund.Status = RefundStatus.Processing;
        var o = orderOptions.Value;
        if (checks < o.RefundChecks)
            await queue.EnqueueAsync(new CheckRefund(refund.OutRefundNo, checks + 1), ct, o.RefundCheckAfter * Math.Pow(2, Math.Min(checks, 10)));
    }

    private void Settle(OrderRefund refund, string? refundId, string? failure)
    {
        refund.Status = failure is null ? RefundStatus.Succeeded : RefundStatus.Failed;
        refund.RefundId ??= refundId;
        refund.FailureReason = failure;
        refund.CompletedAt = clock.GetUtcNow().UtcDateTime;
    }

    /// <summary>§2.1: a JSAPI payment by its out_trade_no, a Pay Score deduction by its transaction id (§2.7); <c>total</c> is that payment's amount.</summary>
    private string RefundBody(OrderRefund refund, OrderPayment payment)
    {
        var body = new JsonObject();
        if (payment.Channel == PaymentChannel.Jsapi)
            body["out_trade_no"] = payment.OutTradeNo;
        else
            body["transaction_id"] = payment.TransactionId;
        body["out_refund_no"] = refund.OutRefundNo;
        body["reason"] = refund.Reason;
        body["notify_url"] = options.Value.NotifyUrl;
        body["amount"] = new JsonObject { ["refund"] = refund.Amount.Fen, ["total"] = payment.Amount.Fen, ["currency"] = "CNY" };
        return body.ToJsonString();
    }
}

public static class SendRefundHandler
{
    public static Task Handle(SendRefund message, OrderRefunds refunds, CancellationToken ct) => refunds.SendAsync(message.OutRefundNo, ct);
}

public static class CheckRefundHandler
{
    public static Task Handle(CheckRefund message, OrderRefunds refunds, CancellationToken ct) => refunds.CheckAsync(message.OutRefundNo, message.Attempt, ct);
}
