using System.Text.Json;
using CabinetOps.Server.Features.Audit;
using CabinetOps.Server.Features.DoorSessions;
using CabinetOps.Server.Features.Orders;
using CabinetOps.Server.Features.Staff;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Messaging;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Wolverine;

namespace CabinetOps.Server.Features.ExceptionOrders;

public sealed record ExceptionListFilter(ExceptionStatus? Status = null, bool? Open = null, string? Reason = null, int? StoreId = null, ExceptionSource? Source = null,
    int Page = 1, int PageSize = 20);

public sealed record ExceptionRow(long Id, string CaseNo, ExceptionSource Source, string SourceLabel, string Reason, string ReasonLabel, string StoreName, string DeviceCode,
    string? WheatOrderNo, string? OrderNo, decimal SuspectedTotal, ExceptionStatus Status, string StatusLabel, ExceptionResolution? Resolution, string? ResolutionLabel,
    string? HandlerName, DateTime DetectedAt);

public sealed record CountBy(string Key, string Label, int Count);

/// <summary>The queue page: the rows, and the open cases counted by reason and by store.</summary>
public sealed record ExceptionListPage(IReadOnlyList<ExceptionRow> Items, int Total, int Page, int PageSize, IReadOnlyList<CountBy> OpenByReason,
    IReadOnlyList<CountBy> OpenByStore);

public sealed record ExceptionDetail(ExceptionRow Case, IReadOnlyList<string> ReasonLabels, string? ReasonDetail, string? SessionNo, long? OrderId, IReadOnlyList<SuspectedItem> SuspectedItems,
    string? Evidence, string? ResolutionNote, DateTime? ResolvedAt, IReadOnlyList<ExceptionResolution> Allowed);

public sealed record ExceptionItemInput(string? SkuCode, int Quantity);

public sealed record ExceptionResolveRequest(ExceptionResolution? Action, string? Note, IReadOnlyList<ExceptionItemInput>? Items);

/// <summary>Run inline through Wolverine, so what a resolution charges or cancels commits with it.</summary>
public sealed record ResolveException(StaffActor Actor, long CaseId, ExceptionResolveRequest Request);

/// <summary>
/// The 异常订单 queue for staff: counts by reason and store, take, and resolve — charge the items
/// seen on the evidence, approve a held order as it is, close with no charge, or acknowledge a
/// charged order's price mismatch. A franchise manager handles only their stores' cases.
/// </summary>
public sealed class ExceptionReview(CabinetOpsDbContext db, OrderCharging charging, DoorSessionMoves moves, WorkQueue queue, AuditWriter audit, TimeProvider clock,
    ILogger<ExceptionReview> logger)
{
    public const int MaxPageSize = 100;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<Result<ExceptionListPage>> ListAsync(StaffActor actor, ExceptionListFilter f, CancellationToken ct)
    {
        if (f.Page < 1)
            return Problem.Validation("page", "页码从 1 开始");
        if (f.PageSize is < 1 or > MaxPageSize)
            return Problem.Validation("pageSize", $"每页 1–{MaxPageSize} 条");
        var visible = Visible(actor);
        var open = visible.Where(x => x.Status != ExceptionStatus.Resolved);
        var byReason = (await open.GroupBy(x => x.Reason).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
            .OrderByDescending(x => x.Count).Select(x => new CountBy(x.Key, ExceptionReasons.Label(x.Key), x.Count)).ToList();
        var storeCounts = await open.GroupBy(x => x.StoreId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var storeIds = storeCounts.Select(x => x.Key).ToList();
        var storeNames = await db.Stores.AsNoTracking().Where(s => storeIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.StoreName, ct);
        var byStore = storeCounts.OrderByDescending(x => x.Count)
            .Select(x => new CountBy(x.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), storeNames.GetValueOrDefault(x.Key, "?"), x.Count)).ToList();

        var q = visible;
        if (f.Status is { } status)
            q = q.Where(x => x.Status == status);
        if (f.Open == true)
            q = q.Where(x => x.Status != ExceptionStatus.Resolved);
        if (!string.IsNullOrWhiteSpace(f.Reason))
            q = q.Where(x => x.Reason == f.Reason);
        if (f.StoreId is { } store)
            q = q.Where(x => x.StoreId == store);
        if (f.Source is { } source)
            q = q.Where(x => x.Source == source);
        var total = await q.CountAsync(ct);
        var rows = await Project(q.OrderBy(x => x.Status == ExceptionStatus.Resolved ? 1 : 0).ThenBy(x => x.DetectedAt).ThenBy(x => x.Id)
            .Skip((f.Page - 1) * f.PageSize).Take(f.PageSize)).ToListAsync(ct);
        return new ExceptionListPage(rows.Select(Labelled).ToList(), total, f.Page, f.PageSize, byReason, byStore);
    }

    public async Task<Result<ExceptionDetail>> GetAsync(StaffActor actor, long id, CancellationToken ct)
    {
        var row = await Project(Visible(actor).Where(x => x.Id == id)).SingleOrDefaultAsync(ct);
        if (row is null)
            return Problem.NotFound("异常订单");
        var c = await db.ExceptionOrders.AsNoTracking().SingleAsync(x => x.Id == id, ct);
        var order = c.OrderId is { } orderId ? await db.Orders.AsNoTracking().SingleAsync(o => o.Id == orderId, ct) : null;
        var sessionNo = c.DoorSessionId is { } sid ? await db.DoorSessions.Where(s => s.Id == sid).Select(s => s.SessionNo).SingleAsync(ct) : null;
        var reasons = (c.AllReasons ?? c.Reason).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(ExceptionReasons.Label).ToList();
        var suspected = c.SuspectedItems is null ? [] : JsonSerializer.Deserialize<List<SuspectedItem>>(c.SuspectedItems, Json) ?? [];
        return new ExceptionDetail(Labelled(row), reasons, c.ReasonDetail, sessionNo, c.OrderId, suspected, c.Evidence, c.ResolutionNote, c.ResolvedAt,
            c.Status == ExceptionStatus.Resolved ? [] : Allowed(c, order));
    }

    public async Task<Result<ExceptionDetail>> TakeAsync(StaffActor actor, long id, CancellationToken ct)
    {
        if (!actor.Can(Permissions.ExceptionsHandle))
            return Problem.Forbidden();
        var c = await db.ExceptionOrders.SingleOrDefaultAsync(x => x.Id == id, ct);
        if (c is null || !actor.CanSeeStore(c.StoreId))
            return Problem.NotFound("异常订单");
        if (c.Status == ExceptionStatus.Resolved)
            return Problem.Conflict("exception-resolved", "该异常订单已处理");
        var before = c.HandlerName;
        var now = clock.GetUtcNow().UtcDateTime;
        (c.Status, c.HandlerId, c.HandlerName, c.TakenAt, c.UpdatedAt) = (ExceptionStatus.Processing, actor.Id, actor.Name, now, now);
        audit.Record(actor, "exception.take", "exception-order", c.CaseNo, $"受理异常订单 {c.CaseNo}" + (before is not null && before != actor.Name ? $"（从 {before} 接手）" : ""),
            storeId: c.StoreId);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problem.Conflict("exception-changed", "异常订单已被他人处理，请刷新");
        }

        return await GetAsync(actor, id, ct);
    }

    /// <summary>One decision on a case, under its row's lock (and its order's, when it has one), so a double click decides once.</summary>
    public async Task<Result<ExceptionDetail>> ResolveAsync(StaffActor actor, long id, ExceptionResolveRequest request, CancellationToken ct)
    {
        if (!actor.Can(Permissions.ExceptionsHandle))
            return Problem.Forbidden();
        if (request.Action is not { } action || !Enum.IsDefined(action))
            return Problem.Validation("action", "请选择处理方式");
        if (string.IsNullOrWhiteSpace(request.Note) || request.Note.Trim().Length > 500)
            return Problem.Validation("note", "请填写处理说明（不超过 500 字）");
        await db.LockRowAsync("exception_orders", id, ct);
        var c = await db.ExceptionOrders.SingleOrDefaultAsync(x => x.Id == id, ct);
        if (c is null || !actor.CanSeeStore(c.StoreId))
            return Problem.NotFound("异常订单");
        if (c.Status == ExceptionStatus.Resolved)
        {
            return c.Resolution == action
                ? (await GetAsync(actor, id, ct)).Value!
                : Problem.Conflict("exception-resolved", $"该异常订单已处理（{c.Resolution?.Label()}）");
        }

        if (c.OrderId is { } lockedOrder)
            await db.LockOrderAsync(lockedOrder, ct);
        var order = c.OrderId is { } orderId ? await db.Orders.Include(o => o.Items).SingleAsync(o => o.Id == orderId, ct) : null;
        if (!Allowed(c, order).Contains(action))
            return Problem.Conflict("exception-action-not-allowed", $"该异常订单不能「{action.Label()}」");
        var session = c.DoorSessionId is { } sid ? await db.DoorSessions.AsNoTracking().SingleAsync(s => s.Id == sid, ct) : null;
        var now = clock.GetUtcNow().UtcDateTime;
        var note = request.Note.Trim();
        string summary;
        switch (action)
        {
            case ExceptionResolution.Charged:
                var priced = await PriceAsync(c.StoreId, request.Items ?? [], ct);
                if (!priced.IsSuccess)
                    return priced.Problem!;
                order = order is null ? await NewOrderAsync(c, session!, priced.Value!, now, ct) : Reprice(order, priced.Value!, now);
                await db.SaveChangesAsync(ct);
                await charging.ChargeAsync(order, session!, ct);
                summary = $"按核实商品收费 ¥{order.TotalAmount}（订单 {order.OrderNo}）";
                break;
            case ExceptionResolution.Approved:
                order!.Hold = null;
                order.UpdatedAt = now;
                await db.SaveChangesAsync(ct);
                await charging.ChargeAsync(order, session!, ct);
                summary = $"原样通过并收费 ¥{order.TotalAmount}（订单 {order.OrderNo}）";
                break;
            case ExceptionResolution.Closed:
                if (order is not null)
                {
                    order.PaymentStatus = PaymentStatus.Cancelled;
                    order.PaymentFailure = "异常订单审核后关闭，不收费";
                    order.UpdatedAt = now;
                }

                if (session is not null)
                {
                    await moves.MoveAsync(session.Id, DoorSessionStatus.Settled, $"异常订单 {c.CaseNo} 关闭，不收费", null, ct);
                    if (session.MayHoldPayScoreOrder)
                        await queue.EnqueueAsync(new CancelPayScoreOrder(session.Id, "异常订单关闭，不收费"), ct);
                }

                summary = "关闭，不收费";
                break;
            default:
                summary = "已核实，无需处理";
                break;
        }

        c.OrderId = order?.Id ?? c.OrderId;
        c.Status = ExceptionStatus.Resolved;
        c.Resolution = action;
        c.ResolutionNote = note;
        c.ResolvedAt = now;
        c.UpdatedAt = now;
        if (c.HandlerId is null)
            (c.HandlerId, c.HandlerName, c.TakenAt) = (actor.Id, actor.Name, now);
        audit.Record(actor, "exception.resolve", "exception-order", c.CaseNo, $"处理异常订单 {c.CaseNo}：{summary}；说明：{note}",
            new { status = ExceptionStatus.Processing.Label() }, new { status = c.Status.Label(), resolution = action.Label(), order = order?.OrderNo }, c.StoreId);
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Exception case {CaseNo} resolved by {Actor}: {Resolution}", c.CaseNo, actor.Name, action);
        return (await GetAsync(actor, id, ct)).Value!;
    }

    /// <summary>
    /// What a case can end with: a vendor exception is charged from the evidence or closed; a held
    /// order is approved, charged as corrected, or closed (with no session there is nobody to charge);
    /// a charged order with a price mismatch is acknowledged (a correction, if any, is made on the order).
    /// Only a limit can be approved as it is.
    /// </summary>
    private static IReadOnlyList<ExceptionResolution> Allowed(ExceptionOrder c, Order? order)
    {
        if (c.Source == ExceptionSource.Vendor)
            return c.DoorSessionId is null ? [ExceptionResolution.Closed] : [ExceptionResolution.Charged, ExceptionResolution.Closed];
        if (order is { Hold: { } hold, PaymentStatus: not PaymentStatus.Cancelled })
            return order.DoorSessionId is null || order.UserId is null ? [ExceptionResolution.Closed]
                // Only a limit can be waived as it is: an unknown product or broken vendor data has no price to charge.
                : hold is OrderHold.AmountOverLimit or OrderHold.ItemCountOverLimit ? [ExceptionResolution.Approved, ExceptionResolution.Charged, ExceptionResolution.Closed]
                : [ExceptionResolution.Charged, ExceptionResolution.Closed];
        return [ExceptionResolution.Acknowledged];
    }

    /// <summary>Staff's lines at our catalogue price for the store; every product must be known and each named once.</summary>
    private async Task<Result<PricedOrder>> PriceAsync(int storeId, IReadOnlyList<ExceptionItemInput> items, CancellationToken ct)
    {
        if (items.Count == 0)
            return Problem.Validation("items", "请填写核实的商品；未取商品请选择「关闭，不收费」");
        if (items.Any(i => string.IsNullOrWhiteSpace(i.SkuCode) || i.Quantity is < 1 or > CorrectionRules.MaxQuantity))
            return Problem.Validation("items", $"每个商品须有编码，数量 1–{CorrectionRules.MaxQuantity}");
        var codes = items.Select(i => i.SkuCode!.Trim()).ToList();
        if (codes.Distinct().Count() != codes.Count)
            return Problem.Validation("items", "同一商品只能填写一行");
        var catalogue = await db.CataloguePricesAsync(storeId, codes, ct);
        if (codes.FirstOrDefault(code => !catalogue.ContainsKey(code)) is { } unknown)
            return Problem.Validation("items", $"商品 {unknown} 不在商品库中");
        var lines = items.Select((i, n) =>
        {
            var price = catalogue[i.SkuCode!.Trim()].Price.Fen;
            return new VendorLine(n + 1, i.SkuCode!.Trim(), null, catalogue[i.SkuCode.Trim()].Name, i.Quantity, price, price * i.Quantity, null);
        }).ToList();
        // Staff decided what was taken: the store's limits, which hold orders for a person to look at, do not apply again.
        return OrderRules.Price(lines, lines.Sum(l => l.AmountFen), lines.Sum(l => l.Quantity), catalogue, new Money(long.MaxValue / 2), int.MaxValue);
    }

    private async Task<Order> NewOrderAsync(ExceptionOrder c, DoorSession session, PricedOrder priced, DateTime now, CancellationToken ct)
    {
        var phone = await db.Customers.Where(x => x.Id == session.CustomerId).Select(x => x.Phone).SingleAsync(ct);
        var order = OrderPushes.Create(priced, c.DeviceId, c.StoreId, session, phone, c.WheatOrderNo, null, session.ClosedAt ?? c.DetectedAt, now);
        db.Orders.Add(order);
        await db.SaveChangesAsync(ct);
        await moves.MoveAsync(session.Id, DoorSessionStatus.Settled, $"异常订单 {c.CaseNo} 审核后生成订单 {order.OrderNo}", null, ct);
        return order;
    }

    /// <summary>A held order takes the lines staff saw, built as a new order's would be.</summary>
    private Order Reprice(Order order, PricedOrder priced, DateTime now)
    {
        db.OrderItems.RemoveRange(order.Items);
        order.Items.Clear();
        order.Items.AddRange(OrderPushes.ItemsOf(priced));
        order.TotalAmount = priced.Total;
        order.ItemCount = priced.ItemCount;
        order.Hold = null;
        order.UpdatedAt = now;
        return order;
    }

    private IQueryable<ExceptionOrder> Visible(StaffActor actor)
    {
        var q = db.ExceptionOrders.AsNoTracking();
        if (actor.AllStores)
            return q;
        var scope = actor.StoreIds.ToList();
        return q.Where(x => scope.Contains(x.StoreId));
    }

    private IQueryable<RowData> Project(IQueryable<ExceptionOrder> q) =>
        from x in q
        join s in db.Stores on x.StoreId equals s.Id
        join d in db.Devices on x.DeviceId equals d.Id
        select new RowData(x.Id, x.CaseNo, x.Source, x.Reason, s.StoreName, d.DeviceCode, x.WheatOrderNo,
            db.Orders.Where(o => o.Id == x.OrderId).Select(o => o.OrderNo).FirstOrDefault(), x.SuspectedTotal, x.Status, x.Resolution, x.HandlerName, x.DetectedAt);

    private static ExceptionRow Labelled(RowData r) => new(r.Id, r.CaseNo, r.Source, r.Source.Label(), r.Reason, ExceptionReasons.Label(r.Reason), r.StoreName,
        r.DeviceCode, r.WheatOrderNo, r.OrderNo, r.SuspectedTotal.ToYuan(), r.Status, r.Status.Label(), r.Resolution, r.Resolution?.Label(), r.HandlerName, r.DetectedAt);

    private sealed record RowData(long Id, string CaseNo, ExceptionSource Source, string Reason, string StoreName, string DeviceCode, string? WheatOrderNo, string? OrderNo,
        Money SuspectedTotal, ExceptionStatus Status, ExceptionResolution? Resolution, string? HandlerName, DateTime DetectedAt);
}

public static class ResolveExceptionHandler
{
    public static Task<Result<ExceptionDetail>> Handle(ResolveException message, ExceptionReview review, CancellationToken ct) =>
        review.ResolveAsync(message.Actor, message.CaseId, message.Request, ct);
}

public static class ExceptionOrdersApi
{
    public static IEndpointRouteBuilder MapExceptionOrdersApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/admin/exceptions").WithTags("Exception orders").RequireAuthorization(Permissions.ExceptionsView);
        g.MapGet("/", async Task<Results<Ok<ExceptionListPage>, ProblemHttpResult>> ([AsParameters] ExceptionListQuery query, HttpContext http, ExceptionReview h,
                CancellationToken ct) => (await h.ListAsync(StaffApi.Actor(http), query.ToFilter(), ct)).ToHttp())
            .WithSummary("异常订单队列（未处理的在前，最早的在前；附未处理数量按原因、按门店统计）");
        g.MapGet("/{id:long}", async Task<Results<Ok<ExceptionDetail>, ProblemHttpResult>> (long id, HttpContext http, ExceptionReview h, CancellationToken ct) =>
                (await h.GetAsync(StaffApi.Actor(http), id, ct)).ToHttp())
            .WithSummary("异常订单详情：原因、小麦疑似商品与证据（视频、图片）、关联订单与开门会话、可选的处理方式");
        g.MapPost("/{id:long}/take", async Task<Results<Ok<ExceptionDetail>, ProblemHttpResult>> (long id, HttpContext http, ExceptionReview h, CancellationToken ct) =>
                (await h.TakeAsync(StaffApi.Actor(http), id, ct)).ToHttp())
            .RequireAuthorization(Permissions.ExceptionsHandle)
            .WithSummary("受理异常订单");
        g.MapPost("/{id:long}/resolve", async Task<Results<Ok<ExceptionDetail>, ProblemHttpResult>> (long id, ExceptionResolveRequest body, HttpContext http, IMessageBus bus,
                CancellationToken ct) => (await bus.InvokeAsync<Result<ExceptionDetail>>(new ResolveException(StaffApi.Actor(http), id, body), ct)).ToHttp())
            .RequireAuthorization(Permissions.ExceptionsHandle)
            .WithSummary("处理异常订单：Charged（按核实商品收费，items 必填）、Approved（拦截订单原样通过）、Closed（关闭不收费）、Acknowledged（价格不符已核实）；说明必填");
        return app;
    }

    public sealed record ExceptionListQuery(ExceptionStatus? Status, bool? Open, string? Reason, int? StoreId, ExceptionSource? Source, int? Page, int? PageSize)
    {
        public ExceptionListFilter ToFilter() => new(Status, Open, Reason, StoreId, Source, Page ?? 1, PageSize ?? 20);
    }
}
