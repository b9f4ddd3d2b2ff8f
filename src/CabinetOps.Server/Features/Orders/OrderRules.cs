using CabinetOps.Server.Infrastructure.Persistence;

namespace CabinetOps.Server.Features.Orders;

/// <summary>Why an order is held for review instead of being charged (our own interceptions, DESIGN §5).</summary>
public enum OrderHold
{
    /// <summary>金额超限: above the store's amount limit.</summary>
    AmountOverLimit = 1,
    /// <summary>数量超限: above the store's item-count limit.</summary>
    ItemCountOverLimit = 2,
    /// <summary>A line whose product we do not know (or the vendor could not name).</summary>
    UnknownProduct = 3,
    /// <summary>The vendor's order breaks its own invariants (xiaomai.md §2.6): totals, counts, duplicate lines.</summary>
    VendorDataInvalid = 4,
    /// <summary>An order for a session we never opened.</summary>
    NoSession = 5,
}

/// <summary>A line as the vendor recognised it (xiaomai.md §2.6 Item line), prices in fen.</summary>
public sealed record VendorLine(int LineNo, string SkuCode, string? Barcode, string Name, int Quantity, long UnitPriceFen, long AmountFen, decimal? Confidence);

/// <summary>Our price for a product in a store: the store's own price where set, else the ERP's.</summary>
public sealed record CataloguePrice(int ProductId, string Name, Money Price);

public sealed record PricedLine(VendorLine Vendor, int? ProductId, string Name, Money UnitPrice, Money Amount, bool PriceMismatch);

/// <summary>An order priced from our catalogue. <c>Hold</c> set = not charged, held for review.</summary>
public sealed record PricedOrder(IReadOnlyList<PricedLine> Lines, Money Total, int ItemCount, Money VendorTotal, bool PriceMismatch, OrderHold? Hold);

/// <summary>How a ticket payment splits: the tickets that cover whole fen, and the rest due by WeChat.</summary>
public sealed record TicketSplit(long Tickets, Money TicketPart, Money WechatPart);

/// <summary>
/// The money rules of an order (DESIGN §5–6), free of the database so they can be tested at their
/// edges: pricing from our catalogue, the vendor's invariants, the store's limits, and tickets.
/// </summary>
public static class OrderRules
{
    /// <summary>The vendor sends at most this many lines (xiaomai.md §2.6).</summary>
    public const int MaxLines = 100;

    /// <summary>
    /// What is still to be paid by WeChat: the total less what tickets covered (1 fen = 5 tickets),
    /// nothing once paid, cancelled or held (a held order is charged by nobody until staff act).
    /// </summary>
    public static Money WechatDue(PaymentStatus status, OrderHold? hold, Money total, long ticketsPaid) =>
        hold is not null || status is PaymentStatus.Paid or PaymentStatus.Cancelled ? Money.Zero : total - new Money(ticketsPaid / Money.TicketsPerFen);

    /// <summary>The customer's and staff's word for an order's state; a held order reads 审核中 whatever its payment state.</summary>
    public static string StatusLabel(PaymentStatus status, OrderHold? hold) => hold is not null ? "审核中" : status switch
    {
        PaymentStatus.Unpaid => "待支付",
        PaymentStatus.Paying => "支付中",
        PaymentStatus.Paid => "已支付",
        PaymentStatus.Failed => "支付失败",
        PaymentStatus.Cancelled => "已取消",
        _ => status.ToString(),
    };

    /// <summary>The largest difference between the vendor's unit price and ours over the lines, or null when they all agree.</summary>
    public static Money? WorstPriceGap(PricedOrder order) =>
        order.Lines.Where(l => l.PriceMismatch).Select(l => new Money(Math.Abs(l.Vendor.UnitPriceFen - l.UnitPrice.Fen))).DefaultIfEmpty().Max() is { Fen: > 0 } gap
            ? gap : null;

    public static string Label(this OrderHold hold) => hold switch
    {
        OrderHold.AmountOverLimit => "金额超限",
        OrderHold.ItemCountOverLimit => "数量超限",
        OrderHold.UnknownProduct => "未知商品",
        OrderHold.VendorDataInvalid => "小麦订单数据异常",
        OrderHold.NoSession => "无对应开门会话",
        _ => hold.ToString(),
    };

    /// <summary>
    /// Prices the vendor's lines from our catalogue. The vendor's prices are kept beside ours and a
    /// difference flags the line; what is charged is always ours. Holds, most serious first: the
    /// vendor's data broken, a product we do not know, then the store's item and amount limits.
    /// </summary>
    public static PricedOrder Price(IReadOnlyList<VendorLine> lines, long vendorTotalFen, int vendorItemCount,
        IReadOnlyDictionary<string, CataloguePrice> catalogue, Money amountLimit, int itemCountLimit)
    {
        var priced = lines.Select(l => catalogue.TryGetValue(l.SkuCode, out var ours)
                ? new PricedLine(l, ours.ProductId, ours.Name, ours.Price, new Money(checked(ours.Price.Fen * l.Quantity)), ours.Price.Fen != l.UnitPriceFen)
                : new PricedLine(l, null, l.Name, Money.Zero, Money.Zero, false))
            .ToList();
        var total = new Money(priced.Sum(p => p.Amount.Fen));
        var itemCount = lines.Sum(l => l.Quantity);
        OrderHold? hold = BreaksInvariants(lines, vendorTotalFen, vendorItemCount) ? OrderHold.VendorDataInvalid
            : priced.Any(p => p.ProductId is null) ? OrderHold.UnknownProduct
            : itemCount > itemCountLimit ? OrderHold.ItemCountOverLimit
            : total.CompareTo(amountLimit) > 0 ? OrderHold.AmountOverLimit
            : null;
        return new PricedOrder(priced, total, itemCount, new Money(vendorTotalFen), priced.Any(p => p.PriceMismatch), hold);
    }

    /// <summary>xiaomai.md §2.6: totals and counts add up, each line is whole, each product on one line, at most 100 lines.</summary>
    public static bool BreaksInvariants(IReadOnlyList<VendorLine> lines, long totalFen, int itemCount) =>
        lines.Count > MaxLines
        || lines.Any(l => l.Quantity < 1 || l.UnitPriceFen < 0 || l.AmountFen != (long)l.Quantity * l.UnitPriceFen)
        || lines.Where(l => l.SkuCode.Length > 0).GroupBy(l => l.SkuCode).Any(g => g.Count() > 1)
        || lines.Sum(l => l.AmountFen) != totalFen
        || lines.Sum(l => l.Quantity) != itemCount;

    /// <summary>
    /// Tickets pay for whole fen only (1 fen = 5 tickets): the balance covers as many fen as it can,
    /// and whatever it cannot is due by WeChat (DESIGN §6).
    /// </summary>
    public static TicketSplit SplitTickets(Money total, long balance)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total.Fen);
        var coveredFen = Math.Min(total.Fen, Math.Max(0, balance) / Money.TicketsPerFen);
        return new TicketSplit(coveredFen * Money.TicketsPerFen, new Money(coveredFen), new Money(total.Fen - coveredFen));
    }
}
