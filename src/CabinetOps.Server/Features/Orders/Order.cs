using CabinetOps.Server.Infrastructure.Persistence;

namespace CabinetOps.Server.Features.Orders;

/// <summary>
/// 订单 — the spec's <c>orders</c> table, every column kept with its meaning. The flows that fill it
/// (order push, charging, corrections) arrive with later issues; the shape is fixed now so that
/// migrations on both providers start from the spec.
/// </summary>
public sealed class Order
{
    public long Id { get; set; }
    public required string OrderNo { get; set; }
    public int DeviceId { get; set; }
    public int? UserId { get; set; }
    /// <summary>The customer's phone at order time, encrypted like <c>users.phone</c> (never plain text).</summary>
    public string? UserPhone { get; set; }
    public Money TotalAmount { get; set; }
    public PaymentType PaymentType { get; set; }
    public Money WxPaymentAmount { get; set; }
    /// <summary>Tickets paid (integer; 1 fen = 5 tickets).</summary>
    public long TicketPaymentAmount { get; set; }
    public int StoreId { get; set; }
    public DateTime OrderTime { get; set; }
    public DateTime? PaymentTime { get; set; }
    public PaymentStatus PaymentStatus { get; set; }
    /// <summary>Xiaomai's order number; unique, so a repeated push is recognised (DESIGN §5).</summary>
    public string? WheatOrderNo { get; set; }
    public OrderType OrderType { get; set; }
    public string? RelatedOrderNo { get; set; }
}

/// <summary>The spec's <c>ENUM('微信','礼票')</c>.</summary>
public enum PaymentType
{
    WeChat = 1,
    Tickets = 2,
}

/// <summary>The spec's <c>payment_status TINYINT</c>.</summary>
public enum PaymentStatus
{
    Unpaid = 0,
    Paying = 1,
    Paid = 2,
    Failed = 3,
    Cancelled = 4,
}

/// <summary>The spec's <c>ENUM('正常','已修正','补扣')</c>.</summary>
public enum OrderType
{
    Normal = 1,
    Corrected = 2,
    Supplementary = 3,
}
