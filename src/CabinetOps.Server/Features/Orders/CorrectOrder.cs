using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using CabinetOps.Server.Features.Audit;
using CabinetOps.Server.Features.DoorSessions;
using CabinetOps.Server.Features.Staff;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Messaging;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Wolverine;

namespace CabinetOps.Server.Features.Orders;

/// <summary>Section <c>Corrections</c>.</summary>
public sealed class CorrectionOptions
{
    public const string Section = "Corrections";

    /// <summary>A correction that refunds more than this (yuan) waits for a second person with the finance permission.</summary>
    [Range(typeof(decimal), "0", "100000")]
    public decimal ApprovalThreshold { get; set; } = 100m;
}

/// <summary>A correction as staff fill it in: <c>RequestId</c> is made once per form, so a double click or a retry confirms once.</summary>
public sealed record CorrectionRequest(Guid RequestId, string? Reason, IReadOnlyList<CorrectionLineInput>? Lines, int? BaseSeq = null);

public sealed record CorrectionPreviewRequest(IReadOnlyList<CorrectionLineInput>? Lines);

public sealed record RefundShareView(PaymentChannel Channel, decimal Amount, long Tickets);

/// <summary>What a correction would do, before anyone confirms it.</summary>
public sealed record CorrectionPreview(decimal BeforeTotal, decimal AfterTotal, decimal Collected, decimal RefundAmount, IReadOnlyList<RefundShareView> Refunds,
    decimal SupplementaryAmount, bool SettlesUnpaidOrder, bool NeedsApproval, IReadOnlyList<CorrectionLine> Before, IReadOnlyList<CorrectionLine> After);

public sealed record CorrectionView(long Id, string CorrectionNo, long OrderId, string OrderNo, int Seq, CorrectionStatus Status, string StatusLabel, string Reason,
    decimal BeforeTotal, decimal AfterTotal, decimal RefundAmount, decimal SupplementaryAmount, string? SupplementaryOrderNo, string RequestedBy, DateTime RequestedAt,
    string? ReviewedBy, DateTime? ReviewedAt, string? ReviewNote, IReadOnlyList<CorrectionLine> Before, IReadOnlyList<CorrectionLine> After);

public sealed record CorrectionReview(string? Note);

/// <summary>Commands run inline through Wolverine (<c>InvokeAsync</c>), so the order's change, its refunds and the work they send commit as one transaction.</summary>
public sealed record RequestCorrection(StaffActor Actor, long OrderId, CorrectionRequest Request);

public sealed record ReviewCorrection(StaffActor Actor, long OrderId, long CorrectionId, bool Approve, string? Note);

/// <summary>
/// 订单修正 (DESIGN §5): staff change an order's items; the server recomputes and settles the
/// difference over the order's chain (the order and its 补扣 orders). Lower → the excess goes back
/// through the channels that paid, WeChat first, then tickets; higher on a paid order → one 补扣
/// order for the difference, charged the way the original was; unpaid → only what is due changes.
/// A refund above the threshold waits for a second person with the finance permission. Everything
/// runs under the order's lock, and a correction's number names its refunds and its 补扣, so a
/// repeated confirm finds what the first one made.
/// </summary>
public sealed class OrderCorrections(CabinetOpsDbContext db, OrderRefunds refunds, OrderCharging charging, WorkQueue queue, AuditWriter audit,
    IOptions<CorrectionOptions> options, TimeProvider clock, ILogger<OrderCorrections> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<Result<CorrectionPreview>> PreviewAsync(StaffActor actor, long orderId, IReadOnlyList<CorrectionLineInput>? lines, CancellationToken ct)
    {
        if (!actor.Can(Permissions.OrdersCorrect))
            return Problem.Forbidden();
        var state = await LoadAsync(actor, orderId, track: false, ct);
        if (!state.IsSuccess)
            return state.Problem!;
        var plan = await PlanAsync(state.Value!, lines ?? [], ct);
        if (!plan.IsSuccess)
            return plan.Problem!;
        var (after, money) = plan.Value;
        var s = state.Value!;
        var shares = money.Refund.Fen > 0 ? CorrectionRules.Allocate(money.Refund, s.Sources()) : [];
        return new CorrectionPreview(s.Order.TotalAmount.ToYuan(), CorrectionRules.Total(after).ToYuan(), s.Collected.ToYuan(), money.Refund.ToYuan(),
            shares.Select(x => new RefundShareView(x.Channel, x.Amount.ToYuan(), x.Channel == PaymentChannel.Tickets ? x.Amount.ToTickets() : 0)).ToList(),
            money.Supplementary.ToYuan(), money.SettlesUnpaidOrder, NeedsApproval(money), s.Lines, after);
    }

    public async Task<Result<CorrectionView>> RequestAsync(StaffActor actor, long orderId, CorrectionRequest request, CancellationToken ct)
    {
        if (!actor.Can(Permissions.OrdersCorrect))
            return Problem.Forbidden();
        if (CorrectionRules.CheckReason(request.Reason) is { } bad)
            return Problem.Validation("reason", bad);
        if (request.RequestId == Guid.Empty)
            return Problem.Validation("requestId", "缺少请求编号");
        // The lock comes first, before anything is read: on SQLite a transaction that has read cannot
        // wait for the write lock, and the first of two clicks may commit while this one waits.
        await db.LockOrderAsync(orderId, ct);
        if (await RepeatedAsync(request.RequestId, orderId, ct) is { } earlier)
            return earlier;
        var state = await LoadAsync(actor, orderId, track: true, ct);
        if (!state.IsSuccess)
            return state.Problem!;
        var s = state.Value!;
        if (request.BaseSeq is { } seen && seen != s.Corrections)
            return Problem.Conflict("order-changed", "订单已被他人修正，请刷新后重试");
        if (s.PendingApproval)
            return Problem.Conflict("correction-pending", "该订单有待审批的修正，请先审批或驳回");
        var plan = await PlanAsync(s, request.Lines ?? [], ct);
        if (!plan.IsSuccess)
            return plan.Problem!;
        var (after, money) = plan.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var seq = s.Corrections + 1;
        var correction = new OrderCorrection
        {
            OrderId = orderId,
            Seq = seq,
            CorrectionNo = $"{s.Order.OrderNo}-C{seq}",
            RequestId = request.RequestId,
            Reason = request.Reason!.Trim(),
            BeforeTotal = s.Order.TotalAmount,
            AfterTotal = CorrectionRules.Total(after),
            BeforeLines = JsonSerializer.Serialize(s.Lines, Json),
            AfterLines = JsonSerializer.Serialize(after, Json),
            RefundAmount = money.Refund,
            SupplementaryAmount = money.Supplementary,
            RequestedById = actor.Id,
            RequestedByName = actor.Name,
            RequestedAt = now,
        };
        db.OrderCorrections.Add(correction);
        if (NeedsApproval(money))
        {
            correction.Status = CorrectionStatus.PendingApproval;
            audit.Record(actor, "order.correction-request", "order", s.Order.OrderNo,
                $"发起修正 {correction.CorrectionNo}（退款 ¥{money.Refund} 超过审批额度，待财务审批）：{correction.Reason}",
                Snapshot(correction.BeforeTotal, s.Lines), Snapshot(correction.AfterTotal, after), s.Order.StoreId);
            await db.SaveChangesAsync(ct);
            return View(correction, s.Order.OrderNo);
        }

        await ApplyAsync(s, correction, after, actor, ct);
        return View(correction, s.Order.OrderNo);
    }

    /// <summary>Approve (the money moves now, computed from the order as it now stands) or reject a pending correction.</summary>
    public async Task<Result<CorrectionView>> ReviewAsync(StaffActor actor, long orderId, long correctionId, bool approve, string? note, CancellationToken ct)
    {
        if (!actor.Can(Permissions.OrdersApproveCorrection))
            return Problem.Forbidden();
        if (!approve && CorrectionRules.CheckReason(note) is not null)
            return Problem.Validation("note", "请填写驳回原因");
        if (note?.Trim().Length > CorrectionRules.MaxReason)
            return Problem.Validation("note", $"审批意见不能超过 {CorrectionRules.MaxReason} 个字");
        await db.LockOrderAsync(orderId, ct);
        var state = await LoadAsync(actor, orderId, track: true, ct);
        if (!state.IsSuccess)
            return state.Problem!;
        var s = state.Value!;
        var correction = await db.OrderCorrections.SingleOrDefaultAsync(c => c.Id == correctionId && c.OrderId == orderId, ct);
        if (correction is null)
            return Problem.NotFound("修正");
        if (correction.Status != CorrectionStatus.PendingApproval)
        {
            // The same decision again (a double click) answers as the first did; the other one is too late.
            return correction.Status == (approve ? CorrectionStatus.Applied : CorrectionStatus.Rejected)
                ? View(correction, s.Order.OrderNo)
                : Problem.Conflict("correction-reviewed", $"该修正已{correction.Status.Label()}");
        }

        if (correction.RequestedById is { } requester && requester == actor.Id)
            return Problem.Conflict("correction-same-person", "不能审批自己发起的修正，请由另一位财务人员审批");
        var now = clock.GetUtcNow().UtcDateTime;
        correction.ReviewedById = actor.Id;
        correction.ReviewedByName = actor.Name;
        correction.ReviewedAt = now;
        correction.ReviewNote = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (!approve)
        {
            correction.Status = CorrectionStatus.Rejected;
            audit.Record(actor, "order.correction-reject", "order", s.Order.OrderNo, $"驳回修正 {correction.CorrectionNo}：{correction.ReviewNote}", storeId: s.Order.StoreId);
            await db.SaveChangesAsync(ct);
            return View(correction, s.Order.OrderNo);
        }

        if (s.Blocked is { } blocked)
            return blocked;
        // Approved against the order it was asked for: if its lines changed since, the request is stale.
        if (JsonSerializer.Serialize(s.Lines, Json) != correction.BeforeLines)
            return Problem.Conflict("order-changed", "订单在审批期间已变化，请驳回后重新发起修正");
        audit.Record(actor, "order.correction-approve", "order", s.Order.OrderNo, $"审批通过修正 {correction.CorrectionNo}{(correction.ReviewNote is { } n ? "：" + n : "")}",
            storeId: s.Order.StoreId);
        await ApplyAsync(s, correction, Lines(correction.AfterLines), actor, ct);
        return View(correction, s.Order.OrderNo);
    }

    /// <summary>The order a correction belongs to, read before its review takes that order's lock.</summary>
    public Task<long?> OrderOfAsync(long correctionId, CancellationToken ct) =>
        db.OrderCorrections.AsNoTracking().Where(c => c.Id == correctionId).Select(c => (long?)c.OrderId).SingleOrDefaultAsync(ct);

    public async Task<Result<IReadOnlyList<CorrectionView>>> ListForOrderAsync(StaffActor actor, long orderId, CancellationToken ct)
    {
        var order = await db.Orders.AsNoTracking().Where(o => o.Id == orderId).Select(o => new { o.OrderNo, o.StoreId }).SingleOrDefaultAsync(ct);
        if (order is null || !actor.CanSeeStore(order.StoreId))
            return Problem.NotFound("订单");
        var rows = await db.OrderCorrections.AsNoTracking().Where(c => c.OrderId == orderId).OrderBy(c => c.Seq).ToListAsync(ct);
        return rows.Select(c => View(c, order.OrderNo)).ToList();
    }

    /// <summary>待审批的修正, oldest first, within the actor's stores.</summary>
    public async Task<IReadOnlyList<CorrectionView>> PendingAsync(StaffActor actor, CancellationToken ct)
    {
        var scope = actor.StoreIds.ToList();
        var rows = await (from c in db.OrderCorrections.AsNoTracking()
                          join o in db.Orders on c.OrderId equals o.Id
                          where c.Status == CorrectionStatus.PendingApproval && (actor.AllStores || scope.Contains(o.StoreId))
                          orderby c.RequestedAt
                          select new { c, o.OrderNo }).Take(200).ToListAsync(ct);
        return rows.Select(r => View(r.c, r.OrderNo)).ToList();
    }

    /// <summary>The order's new lines and money: moves the items, the refunds, the 补扣 and the payment state in the caller's transaction.</summary>
    private async Task ApplyAsync(OrderState s, OrderCorrection correction, IReadOnlyList<CorrectionLine> after, StaffActor actor, CancellationToken ct)
    {
        var order = s.Order;
        var now = clock.GetUtcNow().UtcDateTime;
        var total = CorrectionRules.Total(after);
        var money = CorrectionRules.Settle(total, s.Collected, order.PaymentStatus == PaymentStatus.Paid);
        ReplaceItems(order, after);
        order.TotalAmount = total;
        order.ItemCount = after.Sum(l => l.Quantity);
        order.OrderType = OrderType.Corrected;
        order.UpdatedAt = now;
        if (order.PaymentType == PaymentType.Tickets && order.PaymentStatus != PaymentStatus.Paid)
            order.WxPaymentAmount = money.SettlesUnpaidOrder ? Money.Zero : total - s.Collected;

        // An unpaid 补扣 of an earlier correction is owed no longer: this correction works out the whole difference again.
        foreach (var superseded in s.Supplementaries.Where(x => x.PaymentStatus is PaymentStatus.Unpaid or PaymentStatus.Failed))
        {
            superseded.PaymentStatus = PaymentStatus.Cancelled;
            superseded.PaymentFailure = $"已被修正 {correction.CorrectionNo} 取代";
            superseded.UpdatedAt = now;
        }

        if (money.Refund.Fen > 0)
        {
            var reason = $"订单修正退款 {correction.CorrectionNo}";
            foreach (var share in CorrectionRules.Allocate(money.Refund, s.Sources()))
            {
                var payment = s.Payments.Single(p => p.Id == share.PaymentId);
                var owner = payment.OrderId == order.Id ? order : s.Supplementaries.Single(x => x.Id == payment.OrderId);
                if (!await refunds.RequestAsync(owner, payment, share.Amount, $"{correction.CorrectionNo}-R{payment.Id}", reason, ct, actor))
                    throw new InvalidOperationException($"修正 {correction.CorrectionNo} 的退款超过支付 {payment.Id} 的可退金额");
            }
        }

        if (money.SettlesUnpaidOrder)
        {
            order.PaymentStatus = PaymentStatus.Paid;
            order.PaymentTime = now;
            order.PaymentFailure = null;
            // Nothing is left to collect: a Pay Score order still in force for it is cancelled, not completed.
            if (total.Fen == 0 && order.DoorSessionId is { } sessionId && s.Payments.All(p => p.Channel != PaymentChannel.PayScore)
                && await db.DoorSessions.AsNoTracking().AnyAsync(x => x.Id == sessionId && x.PayScoreRequest != null && x.PayScoreOrderState != "REVOKED", ct))
                await queue.EnqueueAsync(new CancelPayScoreOrder(sessionId, "订单修正为 0 元，撤销订单"), ct);
        }

        correction.Status = CorrectionStatus.Applied;
        correction.AppliedAt = now;
        correction.RefundAmount = money.Refund;
        correction.SupplementaryAmount = money.Supplementary;
        if (money.Supplementary.Fen > 0)
        {
            var supplementary = NewSupplementary(order, money.Supplementary, now);
            db.Orders.Add(supplementary);
            correction.SupplementaryOrderNo = supplementary.OrderNo;
            await db.SaveChangesAsync(ct);
            await charging.ChargeSupplementaryAsync(supplementary, order, ct);
        }

        audit.Record(actor, "order.correct", "order", order.OrderNo,
            $"修正 {correction.CorrectionNo}：¥{correction.BeforeTotal} → ¥{total}"
            + (money.Refund.Fen > 0 ? $"，退款 ¥{money.Refund}" : "") + (money.Supplementary.Fen > 0 ? $"，补扣 ¥{money.Supplementary}（{correction.SupplementaryOrderNo}）" : "")
            + $"；原因：{correction.Reason}",
            Snapshot(correction.BeforeTotal, Lines(correction.BeforeLines)), Snapshot(total, after), order.StoreId);
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Order {OrderNo} corrected by {Correction}: {Before} → {After}, refund {Refund}, supplementary {Supplementary}",
            order.OrderNo, correction.CorrectionNo, correction.BeforeTotal, total, money.Refund, money.Supplementary);
    }

    /// <summary>Existing lines keep their vendor recognition beside the new quantity; removed lines go; added ones carry our catalogue only.</summary>
    private void ReplaceItems(Order order, IReadOnlyList<CorrectionLine> after)
    {
        foreach (var item in order.Items.ToList())
        {
            var line = after.FirstOrDefault(l => l.LineNo == item.LineNo);
            if (line is null)
            {
                order.Items.Remove(item);
                db.OrderItems.Remove(item);
                continue;
            }

            item.Quantity = line.Quantity;
            item.Amount = new Money(line.AmountFen);
        }

        foreach (var line in after.Where(l => order.Items.All(i => i.LineNo != l.LineNo)))
        {
            order.Items.Add(new OrderItem
            {
                LineNo = line.LineNo,
                ProductId = line.ProductId,
                SkuCode = line.SkuCode,
                Name = line.Name,
                Quantity = line.Quantity,
                UnitPrice = new Money(line.UnitPriceFen),
                Amount = new Money(line.AmountFen),
            });
        }
    }

    /// <summary>补扣: the difference, one line naming the correction, owed by the same customer through the same kind of payment.</summary>
    private static Order NewSupplementary(Order original, Money amount, DateTime now)
    {
        var order = new Order
        {
            OrderNo = BusinessNumbers.New("BK", now),
            DeviceId = original.DeviceId,
            StoreId = original.StoreId,
            UserId = original.UserId,
            UserPhone = original.UserPhone,
            TotalAmount = amount,
            ItemCount = 1,
            PaymentType = original.PaymentType,
            PaymentStatus = PaymentStatus.Unpaid,
            OrderTime = now,
            OrderType = OrderType.Supplementary,
            RelatedOrderNo = original.OrderNo,
            CreatedAt = now,
            UpdatedAt = now,
        };
        order.Items.Add(new OrderItem
        {
            LineNo = 1,
            SkuCode = "SUPPLEMENT",
            Name = $"订单 {original.OrderNo} 修正补扣",
            Quantity = 1,
            UnitPrice = amount,
            Amount = amount,
        });
        return order;
    }

    private async Task<Result<(IReadOnlyList<CorrectionLine> After, CorrectionMoney Money)>> PlanAsync(OrderState s, IReadOnlyList<CorrectionLineInput> lines,
        CancellationToken ct)
    {
        if (s.Blocked is { } blocked)
            return blocked;
        var codes = lines.Where(l => l.LineNo is null && !string.IsNullOrWhiteSpace(l.SkuCode)).Select(l => l.SkuCode!.Trim());
        var catalogue = await db.CataloguePricesAsync(s.Order.StoreId, codes, ct);
        var (after, error) = CorrectionRules.Apply(s.Lines, lines, catalogue);
        if (error is not null)
            return Problem.Validation("lines", error);
        return (after!, CorrectionRules.Settle(CorrectionRules.Total(after!), s.Collected, s.Order.PaymentStatus == PaymentStatus.Paid));
    }

    private bool NeedsApproval(CorrectionMoney money) => money.Refund.ToYuan() > options.Value.ApprovalThreshold;

    /// <summary>The order with its chain (its 补扣 orders) and their payments, or why it cannot be seen.</summary>
    private async Task<Result<OrderState>> LoadAsync(StaffActor actor, long orderId, bool track, CancellationToken ct)
    {
        var orders = track ? db.Orders : db.Orders.AsNoTracking();
        var order = await orders.Include(o => o.Items).SingleOrDefaultAsync(o => o.Id == orderId, ct);
        if (order is null || !actor.CanSeeStore(order.StoreId))
            return Problem.NotFound("订单");
        var chain = await orders.Where(o => o.RelatedOrderNo == order.OrderNo && o.OrderType == OrderType.Supplementary).ToListAsync(ct);
        var ids = chain.Select(o => o.Id).Append(order.Id).ToList();
        var payments = await (track ? db.OrderPayments : db.OrderPayments.AsNoTracking()).Where(p => ids.Contains(p.OrderId)).ToListAsync(ct);
        var corrections = await db.OrderCorrections.AsNoTracking().Where(c => c.OrderId == orderId).Select(c => c.Status).ToListAsync(ct);
        var lines = order.Items.OrderBy(i => i.LineNo)
            .Select(i => new CorrectionLine(i.LineNo, i.ProductId, i.SkuCode, i.Name, i.Quantity, i.UnitPrice.Fen, i.Amount.Fen)).ToList();
        Problem? blocked = order.OrderType == OrderType.Supplementary ? Problem.Conflict("order-supplementary", "补扣订单不能修正，请修正原订单")
            : order.Hold is not null ? Problem.Conflict("order-held", "订单审核中，请在异常订单中处理")
            : order.PaymentStatus == PaymentStatus.Cancelled ? Problem.Conflict("order-cancelled", "订单已取消，不能修正")
            // Money in flight for what is still owed would be judged wrongly. A JSAPI attempt left open on an
            // order paid otherwise is not: if the customer still pays it, it is refunded as a double collection.
            : order.PaymentStatus == PaymentStatus.Paying || chain.Any(o => o.PaymentStatus == PaymentStatus.Paying)
              || payments.Any(p => p.Status == PaymentRecordStatus.Pending && OwnerOf(p) is { PaymentStatus: not PaymentStatus.Paid })
                ? Problem.Conflict("payment-in-progress", "订单有进行中的支付，请在支付完成后再修正")
            : null;
        return new OrderState(order, chain, payments, lines, corrections.Count, corrections.Contains(CorrectionStatus.PendingApproval), blocked);

        Order OwnerOf(OrderPayment p) => p.OrderId == order.Id ? order : chain.Single(o => o.Id == p.OrderId);
    }

    private async Task<CorrectionView?> RepeatedAsync(Guid requestId, long orderId, CancellationToken ct)
    {
        var earlier = await db.OrderCorrections.AsNoTracking().SingleOrDefaultAsync(c => c.RequestId == requestId, ct);
        if (earlier is null)
            return null;
        var orderNo = await db.Orders.Where(o => o.Id == earlier.OrderId).Select(o => o.OrderNo).SingleAsync(ct);
        return earlier.OrderId == orderId ? View(earlier, orderNo) : null;
    }

    private static IReadOnlyList<CorrectionLine> Lines(string json) => JsonSerializer.Deserialize<List<CorrectionLine>>(json, Json) ?? [];

    private static object Snapshot(Money total, IReadOnlyList<CorrectionLine> lines) =>
        new { total = total.ToString(), lines = lines.Select(l => new { l.LineNo, l.SkuCode, l.Name, l.Quantity, amount = new Money(l.AmountFen).ToString() }) };

    private static CorrectionView View(OrderCorrection c, string orderNo) => new(c.Id, c.CorrectionNo, c.OrderId, orderNo, c.Seq, c.Status, c.Status.Label(), c.Reason,
        c.BeforeTotal.ToYuan(), c.AfterTotal.ToYuan(), c.RefundAmount.ToYuan(), c.SupplementaryAmount.ToYuan(), c.SupplementaryOrderNo, c.RequestedByName, c.RequestedAt,
        c.ReviewedByName, c.ReviewedAt, c.ReviewNote, Lines(c.BeforeLines), Lines(c.AfterLines));

    private sealed record OrderState(Order Order, List<Order> Supplementaries, List<OrderPayment> Payments, IReadOnlyList<CorrectionLine> Lines, int Corrections,
        bool PendingApproval, Problem? Blocked)
    {
        /// <summary>What the chain collected and has not given back (a reserved refund counts as given back).</summary>
        public Money Collected => new(Payments.Where(p => p.Status == PaymentRecordStatus.Succeeded).Sum(p => (p.Amount - p.RefundedAmount).Fen));

        public IReadOnlyList<RefundSource> Sources() =>
            Payments.Where(p => p.Status == PaymentRecordStatus.Succeeded).Select(p => new RefundSource(p.Id, p.Channel, p.Amount - p.RefundedAmount)).ToList();
    }
}

public static class RequestCorrectionHandler
{
    public static Task<Result<CorrectionView>> Handle(RequestCorrection message, OrderCorrections corrections, CancellationToken ct) =>
        corrections.RequestAsync(message.Actor, message.OrderId, message.Request, ct);
}

public static class ReviewCorrectionHandler
{
    public static Task<Result<CorrectionView>> Handle(ReviewCorrection message, OrderCorrections corrections, CancellationToken ct) =>
        corrections.ReviewAsync(message.Actor, message.OrderId, message.CorrectionId, message.Approve, message.Note, ct);
}

public static class OrderCorrectionsApi
{
    public static IEndpointRouteBuilder MapOrderCorrectionsApi(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/api/admin/orders/{id:long}/corrections").WithTags("Orders").RequireAuthorization(Permissions.OrdersView);
        orders.MapGet("/", async Task<Results<Ok<IReadOnlyList<CorrectionView>>, ProblemHttpResult>> (long id, HttpContext http, OrderCorrections h, CancellationToken ct) =>
                (await h.ListForOrderAsync(StaffApi.Actor(http), id, ct)).ToHttp())
            .WithSummary("订单的修正记录（修正前后的商品与金额、退款、补扣订单、审批）");
        orders.MapPost("/preview", async Task<Results<Ok<CorrectionPreview>, ProblemHttpResult>> (long id, CorrectionPreviewRequest body, HttpContext http,
                OrderCorrections h, CancellationToken ct) => (await h.PreviewAsync(StaffApi.Actor(http), id, body.Lines, ct)).ToHttp())
            .RequireAuthorization(Permissions.OrdersCorrect)
            .WithSummary("修正预览：修正后的商品与金额、将退款的渠道与金额（先微信后礼票）、补扣金额、是否需要审批；不改变任何数据");
        orders.MapPost("/", async Task<Results<Ok<CorrectionView>, ProblemHttpResult>> (long id, CorrectionRequest body, HttpContext http, IMessageBus bus,
                CancellationToken ct) => (await bus.InvokeAsync<Result<CorrectionView>>(new RequestCorrection(StaffApi.Actor(http), id, body), ct)).ToHttp())
            .RequireAuthorization(Permissions.OrdersCorrect)
            .WithSummary("确认修正：按 requestId 幂等（重复提交返回同一修正）；退款超过审批额度时进入待审批，否则立即退款或生成补扣订单");

        var corrections = app.MapGroup("/api/admin/corrections").WithTags("Orders").RequireAuthorization(Permissions.OrdersView);
        corrections.MapGet("/pending", async Task<Ok<IReadOnlyList<CorrectionView>>> (HttpContext http, OrderCorrections h, CancellationToken ct) =>
                TypedResults.Ok(await h.PendingAsync(StaffApi.Actor(http), ct)))
            .WithSummary("待审批的修正（最早的在前）");
        corrections.MapPost("/{correctionId:long}/approve", (long correctionId, CorrectionReview? body, HttpContext http, OrderCorrections h, IMessageBus bus,
                CancellationToken ct) => ReviewAsync(correctionId, true, body?.Note, http, h, bus, ct))
            .RequireAuthorization(Permissions.OrdersApproveCorrection)
            .WithSummary("审批通过修正（须由发起人以外的财务人员操作），随即退款");
        corrections.MapPost("/{correctionId:long}/reject", (long correctionId, CorrectionReview body, HttpContext http, OrderCorrections h, IMessageBus bus,
                CancellationToken ct) => ReviewAsync(correctionId, false, body.Note, http, h, bus, ct))
            .RequireAuthorization(Permissions.OrdersApproveCorrection)
            .WithSummary("驳回修正（须填写原因），订单不变");
        return app;
    }

    private static async Task<Results<Ok<CorrectionView>, ProblemHttpResult>> ReviewAsync(long correctionId, bool approve, string? note, HttpContext http,
        OrderCorrections corrections, IMessageBus bus, CancellationToken ct)
    {
        if (await corrections.OrderOfAsync(correctionId, ct) is not { } orderId)
            return Problem.NotFound("修正").ToHttp();
        return (await bus.InvokeAsync<Result<CorrectionView>>(new ReviewCorrection(StaffApi.Actor(http), orderId, correctionId, approve, note), ct)).ToHttp();
    }
}
