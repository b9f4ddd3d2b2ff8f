using System.Text.Json;
using CabinetOps.Server.Features.DoorSessions;
using CabinetOps.Server.Features.Stores;
using CabinetOps.Server.Infrastructure.Messaging;
using CabinetOps.Server.Infrastructure.Persistence;
using CabinetOps.Server.Infrastructure.Security;
using CabinetOps.Server.Integrations.Xiaomai;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CabinetOps.Server.Features.Orders;

/// <summary>
/// 正常订单推送 (xiaomai.md §2.9 <c>order.completed</c>, DESIGN §5): runs as durable work after the
/// push was stored and acknowledged, in one transaction with the inbound message. Deduplicated by
/// <c>wheat_order_no</c> (and one order per session, both unique in the database); priced from our
/// catalogue; held for review when it cannot be charged as it is; otherwise charged by the
/// session's payment method. An empty purchase settles the session with no order and no charge.
/// </summary>
public sealed class OrderPushes(CabinetOpsDbContext db, DoorSessionMoves moves, OrderCharging charging, StoreDefaults defaults, WorkQueue queue,
    ExceptionOrders.ExceptionQueue exceptions, SecurityEventLog security, IOptions<DoorSessionOptions> sessionOptions, IOptions<OrderOptions> orderOptions,
    TimeProvider clock, ILogger<OrderPushes> logger) : IXiaomaiEventProcessor
{
    public IReadOnlyCollection<string> EventTypes { get; } = ["order.completed"];

    public Task<string?> ProcessAsync(XiaomaiPush push, CancellationToken ct) =>
        IngestAsync(push.Data!.Value.Deserialize<XiaomaiOrderData>(XiaomaiJson.Options), push.OccurredAt, ct);

    /// <summary>
    /// One settled session's order, from the push or from the session query (§2.12): both go
    /// through here, so whichever comes second finds the order and changes nothing.
    /// </summary>
    public async Task<string?> IngestAsync(XiaomaiOrderData? data, DateTimeOffset? occurredAt, CancellationToken ct)
    {
        if (data?.WheatOrderNo is not { Length: > 0 } wheatOrderNo)
            return "推送缺少 wheat_order_no";
        // A repeated push, or the same order already fetched by a query: nothing more to do.
        if (await OrderExists.For(db)(db, wheatOrderNo, ct))
            return null;
        var facts = data.SessionId is { Length: > 0 } sessionNo ? await SessionFactsOf.For(db)(db, sessionNo, ct) : null;
        var session = facts?.Session;
        if (session is { Status: DoorSessionStatus.Settled })
            return $"开门会话 {session.SessionNo} 已结算，忽略第二个结算推送";
        var lines = (data.Items ?? []).Select(i => new VendorLine(i.LineNo, i.SkuCode ?? "", i.Barcode, i.Name ?? "", i.Quantity, i.UnitPriceFen, i.AmountFen, i.Confidence))
            .ToList();
        var closedAt = (data.ClosedAt ?? occurredAt)?.UtcDateTime;

        if (session is not null)
        {
            await moves.RecordVendorFactsAsync(session.Id, wheatOrderNo, null, data.SessionSeq, ct);
            // The order proves the door closed, whether or not door.closed arrived first.
            await moves.MoveAsync(session.Id, DoorSessionStatus.Closed, "小麦：订单已生成，门已关闭", closedAt, ct, expected: session.Status);
            if (lines.Count == 0 && data.TotalFen == 0)
            {
                await SettleEmptyAsync(session, ct);
                return null;
            }
        }
        else if (lines.Count == 0)
            return $"无对应开门会话的空单 {wheatOrderNo}";

        // A session names its cabinet and store; an order without one is placed by the vendor's device code.
        var (deviceId, storeId) = session is not null
            ? (session.DeviceId, session.StoreId)
            : await db.Devices.AsNoTracking().Where(d => d.DeviceCode == data.DeviceCode).Select(d => new ValueTuple<int?, int?>(d.Id, d.StoreId)).FirstOrDefaultAsync(ct);
        if (deviceId is null || storeId is null)
            return $"订单 {wheatOrderNo} 的设备 {data.DeviceCode} 未登记或未绑定门店";
        var store = facts?.Store ?? await db.Stores.AsNoTracking().SingleAsync(s => s.Id == storeId, ct);
        var settings = StoreDefaults.Effective(store, await defaults.GetAsync(ct));
        var priced = OrderRules.Price(lines, data.TotalFen, data.ItemCount, await db.CataloguePricesAsync(store.Id, lines.Select(l => l.SkuCode), ct), settings.OrderAmountLimit, settings.ItemCountLimit);
        var hold = session is null ? OrderHold.NoSession : priced.Hold;
        var now = clock.GetUtcNow().UtcDateTime;
        var order = Create(priced, deviceId.Value, store.Id, session, facts?.Phone, wheatOrderNo, hold, closedAt ?? now, now);
        db.Orders.Add(order);
        // A parallel processing of the same order (or session) fails here on the unique indexes and
        // is retried: its next attempt finds this order and stops.
        await db.SaveChangesAsync(ct);
        if (hold is { } held)
        {
            logger.LogWarning("Order {OrderNo} ({WheatOrderNo}) held for review: {Hold}", order.OrderNo, wheatOrderNo, held);
            await exceptions.InterceptAsync(order, ExceptionOrders.ExceptionReasons.For(held), held.Label(), ct);
        }
        else if (OrderRules.WorstPriceGap(priced) is { } gap && gap.Fen > orderOptions.Value.PriceMismatchReviewFen)
        {
            // Charged at our price all the same; a person checks whose catalogue is wrong.
            await exceptions.InterceptAsync(order, ExceptionOrders.ExceptionReasons.PriceMismatch, $"小麦单价与我方相差最多 ¥{gap}", ct);
        }

        if (session is null)
            return null;

        await moves.MoveAsync(session.Id, DoorSessionStatus.Settled, $"订单 {order.OrderNo} 已生成{(hold is { } h ? $"，{h.Label()}待审核" : "")}", null, ct,
            expected: DoorSessionStatus.Closed);
        if (hold is null)
            await charging.ChargeAsync(order, session, ct);
        return null;
    }

    /// <summary>The session an order names, with its store and its customer's phone (the order keeps it): one round trip on every order.</summary>
    private sealed record SessionFacts(DoorSession Session, Store Store, string? Phone);

    private static readonly CompiledQuery<Func<CabinetOpsDbContext, string, CancellationToken, Task<SessionFacts?>>> SessionFactsOf =
        new(() => EF.CompileAsyncQuery((CabinetOpsDbContext db, string sessionNo, CancellationToken _) =>
            (from s in db.DoorSessions.AsNoTracking()
             where s.SessionNo == sessionNo
             join st in db.Stores.AsNoTracking() on s.StoreId equals st.Id
             join c in db.Customers.AsNoTracking() on s.CustomerId equals c.Id
             select new SessionFacts(s, st, c.Phone)).FirstOrDefault()));

    private static readonly CompiledQuery<Func<CabinetOpsDbContext, string, CancellationToken, Task<bool>>> OrderExists =
        new(() => EF.CompileAsyncQuery((CabinetOpsDbContext db, string wheatOrderNo, CancellationToken _) => db.Orders.Any(o => o.WheatOrderNo == wheatOrderNo)));

    /// <summary>A new order of a session (or of none) from lines priced from our catalogue, the vendor's recognition kept beside each line.</summary>
    public static Order Create(PricedOrder priced, int deviceId, int storeId, DoorSession? session, string? userPhone, string? wheatOrderNo, OrderHold? hold,
        DateTime orderTime, DateTime now)
    {
        var order = new Order
        {
            OrderNo = BusinessNumbers.New("OD", now),
            DeviceId = deviceId,
            StoreId = storeId,
            UserId = session?.CustomerId,
            UserPhone = userPhone,
            DoorSessionId = session?.Id,
            TotalAmount = priced.Total,
            ItemCount = priced.ItemCount,
            VendorTotal = priced.VendorTotal,
            PriceMismatch = priced.PriceMismatch,
            Hold = hold,
            PaymentType = session?.PaymentMethod == DoorPaymentMethod.Tickets ? PaymentType.Tickets : PaymentType.WeChat,
            PaymentStatus = PaymentStatus.Unpaid,
            OrderTime = orderTime,
            WheatOrderNo = wheatOrderNo,
            OrderType = OrderType.Normal,
            CreatedAt = now,
            UpdatedAt = now,
        };
        order.Items.AddRange(ItemsOf(priced));
        return order;
    }

    /// <summary>An order's lines from priced lines: our product and price, the vendor's recognition beside each.</summary>
    public static IEnumerable<OrderItem> ItemsOf(PricedOrder priced) =>
        priced.Lines.Select(l => new OrderItem
        {
            LineNo = l.Vendor.LineNo,
            ProductId = l.ProductId,
            SkuCode = l.Vendor.SkuCode,
            Barcode = l.Vendor.Barcode,
            Name = l.Name,
            Quantity = l.Vendor.Quantity,
            UnitPrice = l.UnitPrice,
            Amount = l.Amount,
            VendorUnitPrice = new Money(l.Vendor.UnitPriceFen),
            VendorAmount = new Money(l.Vendor.AmountFen),
            PriceMismatch = l.PriceMismatch,
            Confidence = l.Vendor.Confidence,
        });

    /// <summary>
    /// The customer took nothing: the session is settled with no order, the Pay Score order is
    /// cancelled, and a customer who keeps opening without buying raises a security event.
    /// </summary>
    private async Task SettleEmptyAsync(DoorSession session, CancellationToken ct)
    {
        await moves.MoveAsync(session.Id, DoorSessionStatus.Settled, "小麦：空单，未取商品", null, ct);
        if (session.MayHoldPayScoreOrder)
            await queue.EnqueueAsync(new CancelPayScoreOrder(session.Id, "未取商品，撤销订单"), ct);

        var o = sessionOptions.Value;
        var since = clock.GetUtcNow().UtcDateTime - o.EmptyOpensWindow;
        var empty = await db.DoorSessions.CountAsync(s => s.CustomerId == session.CustomerId && s.Status == DoorSessionStatus.Settled && s.EndedAt >= since
            && !db.Orders.Any(x => x.DoorSessionId == s.Id), ct);
        // Once per streak: the event is for a person to look at, not a counter.
        if (empty == o.EmptyOpensAlertThreshold)
            await security.RecordAsync("door-sessions", "repeated-empty-opens", null,
                $"顾客 {session.CustomerId} 在 {o.EmptyOpensWindow.TotalMinutes:0} 分钟内 {empty} 次开门未购物", ct);
    }
}
