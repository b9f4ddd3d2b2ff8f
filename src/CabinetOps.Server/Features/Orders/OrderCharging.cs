using CabinetOps.Server.Features.DoorSessions;
using CabinetOps.Server.Features.Staff;
using CabinetOps.Server.Features.Tickets;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CabinetOps.Server.Features.Orders;

/// <summary>
/// Charges a new order by its session's payment method (DESIGN §6), inside the transaction that
/// created the order, so an order and its charge are stored together or not at all.
/// </summary>
public sealed class OrderCharging(CabinetOpsDbContext db, TicketLedger tickets, Infrastructure.Messaging.WorkQueue queue, Stores.StoreDefaults defaults,
    Microsoft.Extensions.Options.IOptions<Integrations.WechatPay.WechatPayOptions> wechatPay, TimeProvider clock, ILogger<OrderCharging> logger)
{
    /// <summary>The balance may change between reading it and deducting (an adjustment in the admin): read and try again this often.</summary>
    private const int TicketAttempts = 3;

    public async Task ChargeAsync(Order order, DoorSession session, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (order.TotalAmount.Fen == 0)
        {
            MarkPaid(order, now);
            await db.SaveChangesAsync(ct);
            return;
        }

        if (session.PaymentMethod == DoorPaymentMethod.Tickets)
            await ChargeTicketsAsync(order, now, ct);
        // The service order put in force at the open is completed with this amount (a call to WeChat: durable work).
        else if (session.PayScoreOrderId is not null && session.PayScoreOrderState == "DOING")
            await queue.EnqueueAsync(new CompletePayScoreOrder(order.Id), ct);
        // Pay Score switched off at the open: the order waits, unpaid, for the customer to pay it by
        // JSAPI from the session or order page (JsapiCharging); the unpaid-order block holds meanwhile.
    }

    /// <summary>
    /// A 补扣 order is charged the way its original was: tickets at once (the remainder due by WeChat);
    /// Pay Score by a service order of its own (免确认 mode, Pay Score on for the store); otherwise it
    /// waits, unpaid, for the customer to pay it by JSAPI from 我的订单, and the unpaid-order block at
    /// the next scan sends them there.
    /// </summary>
    public async Task ChargeSupplementaryAsync(Order order, Order original, CancellationToken ct)
    {
        if (order.PaymentType == PaymentType.Tickets)
        {
            await ChargeTicketsAsync(order, clock.GetUtcNow().UtcDateTime, ct);
            return;
        }

        var paidByPayScore = await db.OrderPayments.AnyAsync(p => p.OrderId == original.Id && p.Channel == PaymentChannel.PayScore && p.Status == PaymentRecordStatus.Succeeded, ct);
        var store = await db.Stores.AsNoTracking().SingleAsync(s => s.Id == order.StoreId, ct);
        // 需确认 would need the customer on WeChat's page for every order: a 补扣 is then paid by JSAPI.
        if (!paidByPayScore || wechatPay.Value.PayScoreMode != Integrations.WechatPay.PayScoreMode.NoConfirm
            || !Stores.StoreDefaults.Effective(store, await defaults.GetAsync(ct)).PayScoreEnabled)
            return;
        order.PayScoreOutOrderNo = order.OrderNo;
        await db.SaveChangesAsync(ct);
        await queue.EnqueueAsync(new CreateSupplementaryPayScoreOrder(order.Id), ct);
    }

    /// <summary>
    /// 礼票: the tickets that cover whole fen are deducted with the payment record in one transaction;
    /// what they cannot cover is due by WeChat (<c>wx_payment_amount</c>) and the order stays unpaid for it.
    /// </summary>
    private async Task ChargeTicketsAsync(Order order, DateTime now, CancellationToken ct)
    {
        var key = OrderPayment.KeyFor(order.OrderNo, PaymentChannel.Tickets);
        if (await db.OrderPayments.AnyAsync(p => p.IdempotencyKey == key, ct))
            return;
        var customerId = order.UserId!.Value;
        // Most customers hold enough: the whole amount is deducted first without reading the balance
        // (the deduction is conditional, so it never overdraws). Refused, the balance is read and the
        // tickets cover what they can, read again up to TicketAttempts times if it keeps changing.
        long? balance = null;
        for (var attempt = 0; attempt <= TicketAttempts; attempt++)
        {
            var split = OrderRules.SplitTickets(order.TotalAmount, balance ?? long.MaxValue);
            if (split.Tickets > 0)
            {
                var posted = await tickets.PostAsync(customerId, TicketEntryKind.Payment, -split.Tickets, $"订单 {order.OrderNo} 礼票支付", StaffActor.System, order.OrderNo, ct);
                if (!posted.IsSuccess)
                {
                    if (balance is not null)
                        logger.LogInformation("Ticket balance of customer {CustomerId} changed while charging {OrderNo}; attempt {Attempt}", customerId, order.OrderNo, attempt);
                    balance = await db.Customers.Where(c => c.Id == customerId).Select(c => c.TicketBalance).SingleAsync(ct);
                    continue;
                }
            }

            db.OrderPayments.Add(new OrderPayment
            {
                OrderId = order.Id,
                Channel = PaymentChannel.Tickets,
                Status = PaymentRecordStatus.Succeeded,
                Amount = split.TicketPart,
                Tickets = split.Tickets,
                IdempotencyKey = key,
                CreatedAt = now,
                CompletedAt = now,
            });
            order.TicketPaymentAmount = split.Tickets;
            order.WxPaymentAmount = split.WechatPart;
            if (split.WechatPart.Fen == 0)
                MarkPaid(order, now);
            else
                order.PaymentFailure = $"礼票余额不足，剩余 ¥{split.WechatPart} 需微信支付";
            order.UpdatedAt = now;
            await db.SaveChangesAsync(ct);
            return;
        }

        // Nothing was deducted (every attempt's deduction was refused as a whole): the balance is as it
        // was, the key is unused for the re-pay, and the order says why.
        order.PaymentStatus = PaymentStatus.Failed;
        order.PaymentFailure = "礼票扣除未成功，请重新支付";
        order.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
    }

    private static void MarkPaid(Order order, DateTime now)
    {
        order.PaymentStatus = PaymentStatus.Paid;
        order.PaymentTime = now;
        order.PaymentFailure = null;
        order.UpdatedAt = now;
    }
}
