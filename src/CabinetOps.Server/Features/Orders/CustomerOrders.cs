using CabinetOps.Server.Features.Customers;
using CabinetOps.Server.Features.DoorSessions;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Persistence;
using CabinetOps.Server.Integrations.WechatPay;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Wolverine;

namespace CabinetOps.Server.Features.Orders;

public sealed record MpOrderSummary(string OrderNo, string StoreName, string DeviceCode, DateTime OrderTime, decimal TotalAmount, int ItemCount,
    string? FirstItemName, string? FirstItemImageUrl, PaymentStatus PaymentStatus, string StatusLabel, decimal AmountDue, bool CanPay);

public sealed record MpOrderPage(IReadOnlyList<MpOrderSummary> Items, int Total, int Page, int PageSize);

public sealed record MpOrderItem(string Name, string? ImageUrl, int Quantity, decimal UnitPrice, decimal Amount);

/// <summary>Money given back on an order (a correction, a double collection): through WeChat, or as tickets.</summary>
public sealed record MpRefund(decimal Amount, PaymentChannel Channel, string ChannelLabel, long Tickets, RefundStatus Status, string StatusLabel, DateTime CreatedAt);

public sealed record MpOrderDetail(string OrderNo, string? SessionNo, string StoreName, string DeviceCode, DateTime OrderTime, DateTime? PaymentTime,
    decimal TotalAmount, decimal TicketAmount, long TicketsUsed, decimal WxPaymentAmount, DoorPaymentMethod PaymentMethod, PaymentStatus PaymentStatus,
    string StatusLabel, string? PaymentFailure, bool Held, decimal AmountDue, bool CanPay, IReadOnlyList<MpOrderItem> Items,
    OrderType OrderType = OrderType.Normal, string? RelatedOrderNo = null, IReadOnlyList<MpRefund>? Refunds = null);

public sealed record MpPayRequest(string? Method);

/// <summary><c>kind</c>: <c>jsapi</c> (call <c>wx.requestPayment</c>) or <c>payscore-page</c> (call <c>wx.openBusinessView</c>).</summary>
public sealed record MpPayment(string Kind, RequestPaymentParams? RequestPayment, WechatPayPage? PayScorePage, MpOrderDetail Order);

/// <summary>
/// 我的订单 (docs/integrations/miniprogram-orders.md): the customer's own orders, the re-pay entry
/// and the check after paying. Another customer's order is answered exactly like an unknown one.
/// </summary>
public sealed class CustomerOrderHandlers(CabinetOpsDbContext db, JsapiCharging jsapi, PayScoreServiceOrders payScorePages, IMessageBus bus,
    IOptions<WechatPayOptions> wechatPay, ILogger<CustomerOrderHandlers> logger)
{
    public const int MaxPageSize = 50;

    public async Task<Result<MpOrderPage>> ListAsync(int customerId, int? page, int? pageSize, CancellationToken ct)
    {
        var (p, size) = (page ?? 1, pageSize ?? 20);
        if (p < 1)
            return Problem.Validation("page", "页码从 1 开始");
        if (size is < 1 or > MaxPageSize)
            return Problem.Validation("pageSize", $"每页 1–{MaxPageSize} 条");
        var mine = db.Orders.AsNoTracking().Where(o => o.UserId == customerId);
        var total = await mine.CountAsync(ct);
        var rows = await (from o in mine.OrderByDescending(o => o.OrderTime).ThenByDescending(o => o.Id).Skip((p - 1) * size).Take(size)
                          join s in db.Stores on o.StoreId equals s.Id
                          join d in db.Devices on o.DeviceId equals d.Id
                          select new
                          {
                              o.OrderNo, s.StoreName, d.DeviceCode, o.OrderTime, o.TotalAmount, o.ItemCount, o.PaymentStatus, o.Hold, o.TicketPaymentAmount,
                              First = o.Items.OrderBy(i => i.LineNo).Select(i => new { i.Name, ImageUrl = db.Products.Where(x => x.Id == i.ProductId).Select(x => x.ImageUrl).FirstOrDefault() })
                                  .FirstOrDefault(),
                          }).ToListAsync(ct);
        var items = rows.OrderByDescending(r => r.OrderTime).Select(r =>
        {
            var due = OrderRules.WechatDue(r.PaymentStatus, r.Hold, r.TotalAmount, r.TicketPaymentAmount);
            return new MpOrderSummary(r.OrderNo, r.StoreName, r.DeviceCode, r.OrderTime, r.TotalAmount.ToYuan(), r.ItemCount, r.First?.Name, r.First?.ImageUrl,
                r.PaymentStatus, OrderRules.StatusLabel(r.PaymentStatus, r.Hold), due.ToYuan(), CanPay(r.PaymentStatus, due));
        }).ToList();
        return new MpOrderPage(items, total, p, size);
    }

    public async Task<Result<MpOrderDetail>> GetAsync(int customerId, string orderNo, CancellationToken ct) =>
        await DetailAsync(customerId, orderNo, ct) is { } detail ? detail : NotFound;

    /// <summary>去支付: the Pay Score order page for an order WeChat is still deducting, else (or when asked) a JSAPI payment.</summary>
    public async Task<Result<MpPayment>> PayAsync(int customerId, string orderNo, MpPayRequest request, CancellationToken ct)
    {
        if (request.Method is not (null or "" or "jsapi"))
            return Problem.Validation("method", "支付方式只能为 jsapi 或留空");
        var order = await db.Orders.FirstOrDefaultAsync(o => o.OrderNo == orderNo && o.UserId == customerId, ct);
        if (order is null)
            return NotFound;
        if (order.Hold is not null)
            return Problem.Conflict("order-held", "订单审核中，暂不能支付");
        if (order.PaymentStatus == PaymentStatus.Paid)
            return Problem.Conflict("order-paid", "订单已支付");
        // The Pay Score order that is deducting: a 补扣's own, else the session's.
        var sessionNo = order.PayScoreOutOrderNo ?? await db.DoorSessions.Where(s => s.Id == order.DoorSessionId).Select(s => s.SessionNo).FirstOrDefaultAsync(ct);
        var payScorePending = await db.OrderPayments.AnyAsync(p => p.OrderId == order.Id && p.Channel == PaymentChannel.PayScore && p.Status == PaymentRecordStatus.Pending, ct);
        if (request.Method != "jsapi" && order.PaymentStatus == PaymentStatus.Paying && payScorePending && sessionNo is not null
            && !string.IsNullOrEmpty(wechatPay.Value.ApiV2Key))
            return new MpPayment("payscore-page", null, payScorePages.DetailPage(sessionNo), (await DetailAsync(customerId, orderNo, ct))!);

        var openId = await db.Customers.Where(c => c.Id == customerId).Select(c => c.OpenId).SingleAsync(ct);
        var prepay = await jsapi.PrepayAsync(order, openId, id => bus.InvokeAsync(new CheckJsapiPayment(id), ct), ct);
        if (!prepay.IsSuccess)
            return prepay.Problem!;
        return new MpPayment("jsapi", prepay.Value, null, (await DetailAsync(customerId, orderNo, ct))!);
    }

    /// <summary>Back from <c>wx.requestPayment</c> or the Pay Score page: WeChat is asked now, and the order answered as it then stands.</summary>
    public async Task<Result<MpOrderDetail>> CheckAsync(int customerId, string orderNo, CancellationToken ct)
    {
        var order = await db.Orders.AsNoTracking().Where(o => o.OrderNo == orderNo && o.UserId == customerId)
            .Select(o => new { o.Id, o.PaymentStatus }).FirstOrDefaultAsync(ct);
        if (order is null)
            return NotFound;
        if (order.PaymentStatus != PaymentStatus.Paid)
        {
            var pending = await db.OrderPayments.AsNoTracking().Where(p => p.OrderId == order.Id && p.Status == PaymentRecordStatus.Pending)
                .Select(p => new { p.Id, p.Channel }).ToListAsync(ct);
            try
            {
                foreach (var p in pending)
                {
                    // Each runs as its own handler, so what it causes (a sync, a refund) commits with it.
                    if (p.Channel == PaymentChannel.Jsapi)
                        await bus.InvokeAsync(new CheckJsapiPayment(p.Id), ct);
                    else if (p.Channel == PaymentChannel.PayScore)
                        await bus.InvokeAsync(new CheckPayScoreCollection(order.Id, 0), ct);
                }
            }
            catch (InvalidOperationException ex)
            {
                // WeChat did not answer: the order is shown as it stands; notifications and scheduled checks still come.
                logger.LogWarning(ex, "Payment check of order {OrderNo} could not reach WeChat", orderNo);
            }
        }

        return (await DetailAsync(customerId, orderNo, ct))!;
    }

    private async Task<MpOrderDetail?> DetailAsync(int customerId, string orderNo, CancellationToken ct)
    {
        var row = await (from x in db.Orders.AsNoTracking().Where(x => x.OrderNo == orderNo && x.UserId == customerId)
                         join s in db.Stores on x.StoreId equals s.Id
                         join d in db.Devices on x.DeviceId equals d.Id
                         from ds in db.DoorSessions.Where(ds => ds.Id == x.DoorSessionId).DefaultIfEmpty()
                         select new { Order = x, s.StoreName, d.DeviceCode, SessionNo = ds == null ? null : ds.SessionNo, Method = ds == null ? (DoorPaymentMethod?)null : ds.PaymentMethod })
            .FirstOrDefaultAsync(ct);
        if (row is null)
            return null;
        var o = row.Order;
        var items = await (from i in db.Set<OrderItem>().AsNoTracking().Where(i => i.OrderId == o.Id)
                           from p in db.Products.Where(p => p.Id == i.ProductId).DefaultIfEmpty()
                           orderby i.LineNo
                           select new MpOrderItem(i.Name, p == null ? null : p.ImageUrl, i.Quantity, i.UnitPrice.ToYuan(), i.Amount.ToYuan())).ToListAsync(ct);
        var due = OrderRules.WechatDue(o.PaymentStatus, o.Hold, o.TotalAmount, o.TicketPaymentAmount);
        var ticketPart = new Money(o.TicketPaymentAmount / Money.TicketsPerFen);
        var method = row.Method ?? (o.PaymentType == PaymentType.Tickets ? DoorPaymentMethod.Tickets : DoorPaymentMethod.PayScore);
        return new MpOrderDetail(o.OrderNo, row.SessionNo, row.StoreName, row.DeviceCode, o.OrderTime, o.PaymentTime, o.TotalAmount.ToYuan(), ticketPart.ToYuan(),
            o.TicketPaymentAmount, (o.PaymentStatus == PaymentStatus.Paid ? o.WxPaymentAmount : due).ToYuan(), method, o.PaymentStatus,
            OrderRules.StatusLabel(o.PaymentStatus, o.Hold), o.PaymentFailure, o.Hold is not null, due.ToYuan(), CanPay(o.PaymentStatus, due), items,
            o.OrderType, o.RelatedOrderNo, await RefundsAsync(o.Id, ct));
    }

    /// <summary>What went back to the customer, newest first; a refund WeChat refused is shown as failed until staff redo it.</summary>
    private async Task<IReadOnlyList<MpRefund>> RefundsAsync(long orderId, CancellationToken ct) =>
        (await (from r in db.OrderRefunds.AsNoTracking().Where(r => r.OrderId == orderId)
                join p in db.OrderPayments on r.PaymentId equals p.Id
                orderby r.CreatedAt descending, r.Id descending
                select new { r.Amount, p.Channel, r.Status, r.CreatedAt }).ToListAsync(ct))
        .Select(r => new MpRefund(r.Amount.ToYuan(), r.Channel, r.Channel == PaymentChannel.Tickets ? "礼票" : "微信", r.Channel == PaymentChannel.Tickets ? r.Amount.ToTickets() : 0,
            r.Status, r.Status switch { RefundStatus.Succeeded => "已退款", RefundStatus.Failed => "退款失败，客服处理中", _ => "退款中" }, r.CreatedAt)).ToList();

    /// <summary>去支付 is offered for anything due, including a Pay Score order WeChat is still deducting.</summary>
    private static bool CanPay(PaymentStatus status, Money due) => due.Fen > 0 && status is PaymentStatus.Unpaid or PaymentStatus.Failed or PaymentStatus.Paying;

    private static Problem NotFound => new("order-not-found", "订单不存在", StatusCodes.Status404NotFound);
}

public static class CustomerOrdersApi
{
    public static IEndpointRouteBuilder MapCustomerOrdersApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/mp/orders").WithTags("Mini-program").RequireAuthorization(CustomerAuthApi.CustomerPolicy);
        g.MapGet("/", async Task<Results<Ok<MpOrderPage>, ProblemHttpResult>> (int? page, int? pageSize, HttpContext http, CustomerOrderHandlers h, CancellationToken ct) =>
                (await h.ListAsync(CustomerBearerHandler.CustomerId(http.User), page, pageSize, ct)).ToHttp())
            .WithSummary("我的订单（最新在前，分页）");
        g.MapGet("/{orderNo}", async Task<Results<Ok<MpOrderDetail>, ProblemHttpResult>> (string orderNo, HttpContext http, CustomerOrderHandlers h, CancellationToken ct) =>
                (await h.GetAsync(CustomerBearerHandler.CustomerId(http.User), orderNo, ct)).ToHttp())
            .WithSummary("订单详情：商品、各渠道金额、状态、待付金额");
        g.MapPost("/{orderNo}/pay", async Task<Results<Ok<MpPayment>, ProblemHttpResult>> (string orderNo, MpPayRequest? body, HttpContext http, CustomerOrderHandlers h,
                CancellationToken ct) => (await h.PayAsync(CustomerBearerHandler.CustomerId(http.User), orderNo, body ?? new MpPayRequest(null), ct)).ToHttp())
            .WithSummary("去支付：支付分订单页（扣款中的支付分订单）或 JSAPI 支付参数（wx.requestPayment）；method=jsapi 强制 JSAPI");
        g.MapPost("/{orderNo}/payment-check", async Task<Results<Ok<MpOrderDetail>, ProblemHttpResult>> (string orderNo, HttpContext http, CustomerOrderHandlers h,
                CancellationToken ct) => (await h.CheckAsync(CustomerBearerHandler.CustomerId(http.User), orderNo, ct)).ToHttp())
            .WithSummary("支付返回后调用：服务器立即向微信查询并返回订单（前端结果不作为支付凭据）");
        return app;
    }
}
