using CabinetOps.Server.Infrastructure.Persistence;

namespace CabinetOps.Server.Features.Orders;

/// <summary>
/// 订单 — the spec's <c>orders</c> table, every column kept with its meaning, plus what the order
/// push and charging need: the door session it settles, the vendor's view beside ours, and why it
/// is held when it is. <c>total_amount</c> is always priced from our catalogue.
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

    /// <summary>The door session this order settles (unique: one order per session).</summary>
    public long? DoorSessionId { get; set; }
    public int ItemCount { get; set; }
    /// <summary>The vendor's total (its prices); informational, never charged.</summary>
    public Money VendorTotal { get; set; }
    /// <summary>A line's vendor price differs from ours.</summary>
    public bool PriceMismatch { get; set; }
    /// <summary>Set = held for review, charged by nobody until staff act.</summary>
    public OrderHold? Hold { get; set; }
    /// <summary>
    /// The <c>out_order_no</c> of a Pay Score service order of the order's own, when it is not its
    /// session's: a 补扣 of a Pay Score order is charged by a new service order numbered by the 补扣's
    /// order number (payscore.md §4.6). Null for orders charged through their session's service order.
    /// </summary>
    public string? PayScoreOutOrderNo { get; set; }
    /// <summary>Why the last charge attempt failed, for staff and the customer.</summary>
    public string? PaymentFailure { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public List<OrderItem> Items { get; } = [];
}

/// <summary>One line of an order: our product and price, with the vendor's recognition beside it.</summary>
public sealed class OrderItem
{
    public long Id { get; set; }
    public long OrderId { get; set; }
    public int LineNo { get; set; }
    /// <summary>Null when the vendor named a product we do not know (the order is then held).</summary>
    public int? ProductId { get; set; }
    public required string SkuCode { get; set; }
    public string? Barcode { get; set; }
    public required string Name { get; set; }
    public int Quantity { get; set; }
    public Money UnitPrice { get; set; }
    public Money Amount { get; set; }
    public Money VendorUnitPrice { get; set; }
    public Money VendorAmount { get; set; }
    public bool PriceMismatch { get; set; }
    public decimal? Confidence { get; set; }
}

/// <summary>
/// One charge of an order through one channel. The idempotency key is derived from the order and
/// the channel and unique in the database: a retry, a duplicated notification or a second server
/// process finds the row instead of charging again.
/// </summary>
public sealed class OrderPayment
{
    public long Id { get; set; }
    public long OrderId { get; set; }
    public PaymentChannel Channel { get; set; }
    public PaymentRecordStatus Status { get; set; }
    public Money Amount { get; set; }
    /// <summary>Tickets moved (ticket channel only).</summary>
    public long Tickets { get; set; }
    public required string IdempotencyKey { get; set; }
    /// <summary>WeChat's transaction id of the money collected: the key for refunds and bill reconciliation.</summary>
    public string? TransactionId { get; set; }
    public string? FailureReason { get; set; }
    /// <summary>JSAPI: our <c>out_trade_no</c> (<c>{order_no}-{attempt}</c>), the current prepay id and the last moment the customer can pay (<c>time_expire</c>).</summary>
    public string? OutTradeNo { get; set; }
    public string? PrepayId { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? CompletedAt { get; set; }

    /// <summary>
    /// What has gone back, or is on its way back, from this payment: reserved when a refund is stored,
    /// released when WeChat refuses or closes it (<see cref="RefundCap"/>). A CHECK constraint keeps it
    /// between 0 and <see cref="Amount"/>, so no code path can refund more than the payment received.
    /// </summary>
    public Money RefundedAmount { get; set; }

    /// <summary>Not collected and never will be (a closed JSAPI attempt, a Pay Score order settled by another channel).</summary>
    public void Cancel(string reason, DateTime now)
    {
        Status = PaymentRecordStatus.Cancelled;
        FailureReason = reason;
        CompletedAt = now;
    }

    /// <summary>
    /// The idempotency key of an order's charge through a channel: <c>order:{order_no}:{channel}</c>,
    /// and for JSAPI, where a closed attempt is followed by a new one, <c>…:jsapi:{attempt}</c>.
    /// </summary>
    public static string KeyFor(string orderNo, PaymentChannel channel, int? attempt = null) =>
        $"order:{orderNo}:{channel.ToString().ToLowerInvariant()}" + (attempt is { } n ? $":{n}" : "");
}

/// <summary>
/// Money given back through the channel that received it (DESIGN §6). The <c>out_refund_no</c> is
/// derived from what causes the refund and unique in the database, so a cause refunds once.
/// </summary>
public sealed class OrderRefund
{
    public long Id { get; set; }
    public long OrderId { get; set; }
    /// <summary>The payment the money goes back from.</summary>
    public long PaymentId { get; set; }
    public required string OutRefundNo { get; set; }
    public Money Amount { get; set; }
    public RefundStatus Status { get; set; }
    public required string Reason { get; set; }
    /// <summary>WeChat's refund id once it accepted the refund.</summary>
    public string? RefundId { get; set; }
    public string? FailureReason { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
}

public enum RefundStatus
{
    /// <summary>Stored; the request to WeChat is durable work.</summary>
    Pending = 0,
    /// <summary>Accepted by WeChat (PROCESSING), not yet back with the customer.</summary>
    Processing = 1,
    Succeeded = 2,
    /// <summary>WeChat closed it or the route failed (CLOSED / ABNORMAL): staff must act.</summary>
    Failed = 3,
}

public enum PaymentChannel
{
    Tickets = 1,
    PayScore = 2,
    Jsapi = 3,
}

public enum PaymentRecordStatus
{
    Pending = 0,
    Succeeded = 1,
    Failed = 2,
    /// <summary>Not collected and never will be: a closed JSAPI attempt, a Pay Score order settled by another channel.</summary>
    Cancelled = 3,
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
