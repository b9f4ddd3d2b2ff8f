using CabinetOps.Server.Features.Customers;
using CabinetOps.Server.Features.DoorSessions;
using CabinetOps.Server.Features.Staff;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Persistence;
using CabinetOps.Server.Infrastructure.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CabinetOps.Server.Features.Orders;

/// <summary>订单管理 filters. Times are UTC instants (the page converts from China time); <c>To</c> is exclusive.</summary>
public sealed record OrderListFilter(
    int? StoreId = null,
    string? DeviceCode = null,
    DateTime? From = null,
    DateTime? To = null,
    string? OrderNo = null,
    string? WheatOrderNo = null,
    string? Phone = null,
    PaymentType? PaymentType = null,
    PaymentStatus? PaymentStatus = null,
    OrderType? OrderType = null,
    bool? Held = null,
    int Page = 1,
    int PageSize = 20);

public sealed record OrderRow(long Id, string OrderNo, string? WheatOrderNo, string StoreName, string DeviceCode, DateTime OrderTime, decimal TotalAmount,
    decimal WxPaymentAmount, long TicketPaymentAmount, PaymentType PaymentType, PaymentStatus PaymentStatus, string StatusLabel, OrderType OrderType,
    OrderHold? Hold, string? HoldLabel, bool PriceMismatch, int ItemCount, string? ItemsSummary, DateTime? PaymentTime);

/// <summary>
/// A page without a total: counting millions of rows on every page turn costs more than the page
/// itself (DESIGN §11 targets), so the list says only whether there is a next page.
/// </summary>
public sealed record OrderListPage(IReadOnlyList<OrderRow> Items, int Page, int PageSize, bool HasMore);

public sealed record OrderItemView(int LineNo, string SkuCode, string Name, int Quantity, decimal UnitPrice, decimal Amount, decimal VendorUnitPrice,
    decimal VendorAmount, bool PriceMismatch, decimal? Confidence);

public sealed record OrderPaymentView(PaymentChannel Channel, PaymentRecordStatus Status, decimal Amount, long Tickets, string? OutTradeNo, string? TransactionId,
    string? FailureReason, DateTime CreatedAt, DateTime? CompletedAt);

public sealed record OrderRefundView(string OutRefundNo, decimal Amount, RefundStatus Status, string Reason, string? FailureReason, DateTime CreatedAt, DateTime? CompletedAt);

public sealed record SessionStepView(DateTime At, string From, string To, string Reason);

/// <summary>An order of the same chain: the original of a 补扣, or the 补扣 orders of an original.</summary>
public sealed record RelatedOrderView(long Id, string OrderNo, OrderType OrderType, decimal TotalAmount, string StatusLabel, DateTime OrderTime);

public sealed record OrderDetail(OrderRow Order, string? MaskedPhone, string? SessionNo, DoorPaymentMethod? PaymentMethod, decimal VendorTotal, string? PaymentFailure,
    string? RelatedOrderNo, IReadOnlyList<OrderItemView> Items, IReadOnlyList<OrderPaymentView> Payments, IReadOnlyList<OrderRefundView> Refunds,
    IReadOnlyList<SessionStepView> Session, IReadOnlyList<RelatedOrderView> Related);

/// <summary>
/// 订单管理 for staff: the list with every filter the spec names, newest first, paged on the
/// (store, order time) and (order time) indexes; the detail with the vendor's view beside ours,
/// every payment and refund, and the door session's timeline. A franchise manager sees only the
/// orders of their stores; an order outside the scope reads as absent.
/// </summary>
public sealed class OrderAdmin(CabinetOpsDbContext db, PersonalDataProtector protector)
{
    public const int MaxPageSize = 100;

    public async Task<Result<OrderListPage>> ListAsync(StaffActor actor, OrderListFilter filter, CancellationToken ct)
    {
        if (filter.Page < 1)
            return Problem.Validation("page", "页码从 1 开始");
        if (filter.PageSize is < 1 or > MaxPageSize)
            return Problem.Validation("pageSize", $"每页 1–{MaxPageSize} 条");
        if (filter.From is { } f && filter.To is { } t && f >= t)
            return Problem.Validation("to", "结束时间必须晚于开始时间");
        var q = await FilteredAsync(actor, filter, ct);
        var rows = await Project(q.OrderByDescending(o => o.OrderTime).ThenByDescending(o => o.Id).Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize + 1))
            .ToListAsync(ct);
        return new OrderListPage(rows.Take(filter.PageSize).Select(r => r.ToRow()).ToList(), filter.Page, filter.PageSize, rows.Count > filter.PageSize);
    }

    /// <summary>How many orders the filter finds (the export's total; the list never counts).</summary>
    public async Task<int> CountAsync(StaffActor actor, OrderListFilter filter, CancellationToken ct) => await (await FilteredAsync(actor, filter, ct)).CountAsync(ct);

    /// <summary>The next rows after <paramref name="after"/> in list order (keyset on order time and id), for the export.</summary>
    public async Task<List<OrderRow>> BatchAsync(StaffActor actor, OrderListFilter filter, (DateTime Time, long Id)? after, int size, CancellationToken ct)
    {
        var q = await FilteredAsync(actor, filter, ct);
        if (after is { } a)
            q = q.Where(o => o.OrderTime < a.Time || (o.OrderTime == a.Time && o.Id < a.Id));
        var rows = await Project(q.OrderByDescending(o => o.OrderTime).ThenByDescending(o => o.Id).Take(size)).ToListAsync(ct);
        return rows.Select(r => r.ToRow()).ToList();
    }

    public async Task<Result<OrderDetail>> GetAsync(StaffActor actor, long id, CancellationToken ct)
    {
        var row = await Project(Visible(actor).Where(o => o.Id == id)).FirstOrDefaultAsync(ct);
        if (row is null)
            return Problem.NotFound("订单");
        var order = await db.Orders.AsNoTracking().SingleAsync(o => o.Id == id, ct);
        var items = await db.Set<OrderItem>().AsNoTracking().Where(i => i.OrderId == id).OrderBy(i => i.LineNo)
            .Select(i => new OrderItemView(i.LineNo, i.SkuCode, i.Name, i.Quantity, i.UnitPrice.ToYuan(), i.Amount.ToYuan(), i.VendorUnitPrice.ToYuan(),
                i.VendorAmount.ToYuan(), i.PriceMismatch, i.Confidence)).ToListAsync(ct);
        var payments = await db.OrderPayments.AsNoTracking().Where(p => p.OrderId == id).OrderBy(p => p.Id)
            .Select(p => new OrderPaymentView(p.Channel, p.Status, p.Amount.ToYuan(), p.Tickets, p.OutTradeNo, p.TransactionId, p.FailureReason, p.CreatedAt, p.CompletedAt))
            .ToListAsync(ct);
        var refunds = await db.OrderRefunds.AsNoTracking().Where(r => r.OrderId == id).OrderBy(r => r.Id)
            .Select(r => new OrderRefundView(r.OutRefundNo, r.Amount.ToYuan(), r.Status, r.Reason, r.FailureReason, r.CreatedAt, r.CompletedAt)).ToListAsync(ct);
        var session = order.DoorSessionId is { } sid ? await db.DoorSessions.AsNoTracking().SingleAsync(s => s.Id == sid, ct) : null;
        var steps = session is null ? []
            : (await db.DoorSessionTransitions.AsNoTracking().Where(t => t.SessionId == session.Id).OrderBy(t => t.At).ThenBy(t => t.Id).ToListAsync(ct))
                .Select(t => new SessionStepView(t.At, t.From.Label(), t.To.Label(), t.Cause)).ToList();
        var related = (await db.Orders.AsNoTracking()
                .Where(o => (o.RelatedOrderNo == order.OrderNo && o.OrderType == OrderType.Supplementary) || (order.RelatedOrderNo != null && o.OrderNo == order.RelatedOrderNo))
                .OrderBy(o => o.OrderTime).Select(o => new { o.Id, o.OrderNo, o.OrderType, o.TotalAmount, o.PaymentStatus, o.Hold, o.OrderTime }).ToListAsync(ct))
            .Select(o => new RelatedOrderView(o.Id, o.OrderNo, o.OrderType, o.TotalAmount.ToYuan(), OrderRules.StatusLabel(o.PaymentStatus, o.Hold), o.OrderTime)).ToList();
        return new OrderDetail(row.ToRow(), MaskedPhone(order.UserPhone), session?.SessionNo, session?.PaymentMethod, order.VendorTotal.ToYuan(), order.PaymentFailure,
            order.RelatedOrderNo, items, payments, refunds, steps, related);
    }

    /// <summary>Every filter narrows the scope-limited set; a phone is matched by its keyed hash (never stored in clear).</summary>
    private async Task<IQueryable<Order>> FilteredAsync(StaffActor actor, OrderListFilter f, CancellationToken ct)
    {
        var q = Visible(actor);
        if (f.StoreId is { } store)
            q = q.Where(o => o.StoreId == store);
        if (!string.IsNullOrWhiteSpace(f.DeviceCode))
        {
            var code = f.DeviceCode.Trim();
            var deviceId = await db.Devices.Where(d => d.DeviceCode == code).Select(d => (int?)d.Id).FirstOrDefaultAsync(ct);
            q = q.Where(o => o.DeviceId == (deviceId ?? -1));
        }

        if (f.From is { } from)
            q = q.Where(o => o.OrderTime >= from);
        if (f.To is { } to)
            q = q.Where(o => o.OrderTime < to);
        if (!string.IsNullOrWhiteSpace(f.OrderNo))
            q = q.Where(o => o.OrderNo == f.OrderNo.Trim());
        if (!string.IsNullOrWhiteSpace(f.WheatOrderNo))
            q = q.Where(o => o.WheatOrderNo == f.WheatOrderNo.Trim());
        if (!string.IsNullOrWhiteSpace(f.Phone))
        {
            var hash = protector.Hash(PhoneNumber.HashPurpose, PhoneNumber.Normalise(f.Phone));
            var customers = db.Customers.Where(c => c.PhoneHash == hash).Select(c => (int?)c.Id);
            q = q.Where(o => customers.Contains(o.UserId));
        }

        if (f.PaymentType is { } type)
            q = q.Where(o => o.PaymentType == type);
        if (f.PaymentStatus is { } status)
            q = q.Where(o => o.PaymentStatus == status);
        if (f.OrderType is { } orderType)
            q = q.Where(o => o.OrderType == orderType);
        if (f.Held is { } held)
            q = held ? q.Where(o => o.Hold != null) : q.Where(o => o.Hold == null);
        return q;
    }

    private IQueryable<Order> Visible(StaffActor actor)
    {
        var q = db.Orders.AsNoTracking();
        if (actor.AllStores)
            return q;
        var scope = actor.StoreIds.ToList();
        return q.Where(o => scope.Contains(o.StoreId));
    }

    private IQueryable<RowData> Project(IQueryable<Order> q) =>
        from o in q
        join s in db.Stores on o.StoreId equals s.Id
        join d in db.Devices on o.DeviceId equals d.Id
        select new RowData(o.Id, o.OrderNo, o.WheatOrderNo, s.StoreName, d.DeviceCode, o.OrderTime, o.TotalAmount, o.WxPaymentAmount, o.TicketPaymentAmount,
            o.PaymentType, o.PaymentStatus, o.OrderType, o.Hold, o.PriceMismatch, o.ItemCount,
            o.Items.OrderBy(i => i.LineNo).Select(i => i.Name).FirstOrDefault(), o.PaymentTime);

    private sealed record RowData(long Id, string OrderNo, string? WheatOrderNo, string StoreName, string DeviceCode, DateTime OrderTime, Money TotalAmount,
        Money WxPaymentAmount, long TicketPaymentAmount, PaymentType PaymentType, PaymentStatus PaymentStatus, OrderType OrderType, OrderHold? Hold,
        bool PriceMismatch, int ItemCount, string? FirstItem, DateTime? PaymentTime)
    {
        public OrderRow ToRow() => new(Id, OrderNo, WheatOrderNo, StoreName, DeviceCode, OrderTime, TotalAmount.ToYuan(), WxPaymentAmount.ToYuan(), TicketPaymentAmount,
            PaymentType, PaymentStatus, OrderRules.StatusLabel(PaymentStatus, Hold), OrderType, Hold, Hold?.Label(), PriceMismatch, ItemCount,
            FirstItem is null ? null : ItemCount > 1 ? $"{FirstItem} 等 {ItemCount} 件" : FirstItem, PaymentTime);
    }

    /// <summary>The phone as staff see it, masked like everywhere in the admin.</summary>
    private string? MaskedPhone(string? encrypted) => encrypted is null ? null : PhoneNumber.Mask(protector.Unprotect(encrypted));
}

public static class OrderAdminApi
{
    public static IEndpointRouteBuilder MapOrderAdminApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/admin/orders").WithTags("Orders").RequireAuthorization(Permissions.OrdersView);
        g.MapGet("/", async Task<Results<Ok<OrderListPage>, ProblemHttpResult>> ([AsParameters] OrderListQuery query, HttpContext http, OrderAdmin h, CancellationToken ct) =>
                (await h.ListAsync(StaffApi.Actor(http), query.ToFilter(), ct)).ToHttp())
            .WithSummary("订单列表（最新在前；按门店、设备、时间、订单号、小麦订单号、手机号、支付方式、支付状态、订单类型、审核筛选；hasMore 表示有下一页）");
        g.MapPost("/exports", async Task<Results<Accepted<OrderExportView>, ProblemHttpResult>> ([AsParameters] OrderListQuery query, HttpContext http, OrderExports exports,
                CancellationToken ct) =>
            {
                var started = await exports.StartAsync(StaffApi.Actor(http), query.ToFilter(), ct);
                return started.IsSuccess ? TypedResults.Accepted($"/api/admin/orders/exports/{started.Value!.Id}", started.Value) : started.Problem!.ToHttp();
            })
            .WithSummary("导出筛选后的订单（Excel，后台生成；轮询进度后下载）");
        g.MapGet("/exports/{id:guid}", async Task<Results<Ok<OrderExportView>, ProblemHttpResult>> (Guid id, HttpContext http, OrderExports exports, CancellationToken ct) =>
                (await exports.GetAsync(StaffApi.Actor(http), id, ct)).ToHttp())
            .WithSummary("导出进度（本人发起的导出）");
        g.MapGet("/exports/{id:guid}/file", async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> (Guid id, HttpContext http, OrderExports exports, CancellationToken ct) =>
            {
                var file = await exports.FileAsync(StaffApi.Actor(http), id, ct);
                return file.IsSuccess
                    ? TypedResults.PhysicalFile(file.Value.Path, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", file.Value.Name)
                    : file.Problem!.ToHttp();
            })
            .WithSummary("下载已完成的订单导出文件");
        g.MapGet("/{id:long}", async Task<Results<Ok<OrderDetail>, ProblemHttpResult>> (long id, HttpContext http, OrderAdmin h, CancellationToken ct) =>
                (await h.GetAsync(StaffApi.Actor(http), id, ct)).ToHttp())
            .WithSummary("订单详情：商品（我方价格与小麦价格）、支付记录、退款、开门会话时间线");
        return app;
    }

    public sealed record OrderListQuery(int? StoreId, string? DeviceCode, DateTime? From, DateTime? To, string? OrderNo, string? WheatOrderNo, string? Phone,
        PaymentType? PaymentType, PaymentStatus? PaymentStatus, OrderType? OrderType, bool? Held, int? Page, int? PageSize)
    {
        public OrderListFilter ToFilter() => new(StoreId, DeviceCode, From?.ToUniversalTime(), To?.ToUniversalTime(), OrderNo, WheatOrderNo, Phone, PaymentType,
            PaymentStatus, OrderType, Held, Page ?? 1, PageSize ?? 20);
    }
}
