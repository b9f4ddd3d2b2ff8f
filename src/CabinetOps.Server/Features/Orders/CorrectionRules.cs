using CabinetOps.Server.Infrastructure.Persistence;

namespace CabinetOps.Server.Features.Orders;

/// <summary>
/// One line of a correction request: an existing line by <c>LineNo</c> with its new quantity (0 removes it),
/// or a product the cameras missed by its code. Lines not named keep their quantity.
/// </summary>
public sealed record CorrectionLineInput(int? LineNo, string? SkuCode, int Quantity);

/// <summary>A line as it stands before or after a correction (kept on the correction as its before/after).</summary>
public sealed record CorrectionLine(int LineNo, int? ProductId, string SkuCode, string Name, int Quantity, long UnitPriceFen, long AmountFen);

/// <summary>A payment that money can go back through: what it received less what went back already.</summary>
public sealed record RefundSource(long PaymentId, PaymentChannel Channel, Money Refundable);

public sealed record RefundShare(long PaymentId, PaymentChannel Channel, Money Amount);

/// <summary>
/// What a correction moves (DESIGN §5 多退少补): refunds when the chain collected more than the new total;
/// a 补扣 when a paid order is now worth more than was collected; for an unpaid order, only what is due changes.
/// </summary>
public sealed record CorrectionMoney(Money Refund, Money Supplementary, bool SettlesUnpaidOrder);

/// <summary>
/// The rules of an order correction, free of the database: the new lines from the old ones and the
/// request, what money moves, and in which order the channels refund (WeChat first, then tickets).
/// </summary>
public static class CorrectionRules
{
    public const int MaxQuantity = 99;
    public const int MaxReason = 200;

    /// <summary>
    /// The corrected lines, or a Chinese message saying why the request cannot apply. An added product
    /// takes our catalogue price for the order's store; an existing line keeps the price it was sold at.
    /// </summary>
    public static (IReadOnlyList<CorrectionLine>? Lines, string? Error) Apply(IReadOnlyList<CorrectionLine> current, IReadOnlyList<CorrectionLineInput> request,
        IReadOnlyDictionary<string, CataloguePrice> catalogue)
    {
        if (request.Count == 0)
            return (null, "请至少修改一个商品");
        var lines = current.ToDictionary(l => l.LineNo);
        var next = current.ToList();
        var nextLineNo = current.Count == 0 ? 1 : current.Max(l => l.LineNo) + 1;
        var seenLines = new HashSet<int>();
        var seenCodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in request)
        {
            if (r.Quantity is < 0 or > MaxQuantity)
                return (null, $"数量必须在 0–{MaxQuantity} 之间");
            if (r.LineNo is { } no)
            {
                if (!lines.TryGetValue(no, out var line))
                    return (null, $"订单没有第 {no} 行商品");
                if (!seenLines.Add(no))
                    return (null, $"第 {no} 行商品重复");
                var i = next.FindIndex(l => l.LineNo == no);
                next[i] = line with { Quantity = r.Quantity, AmountFen = checked(line.UnitPriceFen * r.Quantity) };
                continue;
            }

            var code = r.SkuCode?.Trim();
            if (string.IsNullOrEmpty(code))
                return (null, "请指定要修改的商品行或要补充的商品");
            if (r.Quantity == 0)
                return (null, "补充的商品数量必须大于 0");
            if (current.Any(l => l.SkuCode == code) || !seenCodes.Add(code))
                return (null, $"商品 {code} 已在订单中，请修改该行的数量");
            if (!catalogue.TryGetValue(code, out var price))
                return (null, $"商品 {code} 不在商品库中");
            next.Add(new CorrectionLine(nextLineNo++, price.ProductId, code, price.Name, r.Quantity, price.Price.Fen, checked(price.Price.Fen * r.Quantity)));
        }

        var kept = next.Where(l => l.Quantity > 0).ToList();
        if (kept.Count == current.Count && kept.All(l => lines.TryGetValue(l.LineNo, out var old) && old.Quantity == l.Quantity))
            return (null, "修正后的商品与原订单相同");
        return (kept, null);
    }

    public static Money Total(IEnumerable<CorrectionLine> lines) => new(lines.Sum(l => l.AmountFen));

    /// <summary>
    /// The money a correction moves, given the new total and what the order's chain (the order and its
    /// 补扣 orders) has collected net of refunds. A paid order refunds an excess and charges a shortfall
    /// by a 补扣; an unpaid one refunds only what was collected beyond the new total (and is then
    /// settled), otherwise it simply owes the new amount.
    /// </summary>
    public static CorrectionMoney Settle(Money newTotal, Money collected, bool orderPaid)
    {
        if (collected > newTotal)
            return new CorrectionMoney(collected - newTotal, Money.Zero, !orderPaid);
        if (orderPaid)
            return new CorrectionMoney(Money.Zero, newTotal - collected, false);
        // Unpaid and now covered exactly (a ticket order's WeChat remainder gone, or corrected to nothing).
        return new CorrectionMoney(Money.Zero, Money.Zero, collected == newTotal);
    }

    /// <summary>
    /// Splits a refund over the payments that received the money: WeChat (Pay Score, JSAPI) first, then
    /// tickets (DESIGN §5); within a channel the latest payment first. Throws if the payments cannot cover
    /// it (the caller computed the refund from these same payments).
    /// </summary>
    public static IReadOnlyList<RefundShare> Allocate(Money refund, IReadOnlyList<RefundSource> sources)
    {
        var shares = new List<RefundShare>();
        var left = refund;
        foreach (var s in sources.OrderBy(s => s.Channel == PaymentChannel.Tickets ? 1 : 0).ThenByDescending(s => s.PaymentId))
        {
            if (left.Fen == 0)
                break;
            if (s.Refundable.Fen <= 0)
                continue;
            var take = s.Refundable < left ? s.Refundable : left;
            shares.Add(new RefundShare(s.PaymentId, s.Channel, take));
            left -= take;
        }

        if (left.Fen > 0)
            throw new InvalidOperationException($"退款 {refund} 超过可退金额，差 {left}");
        return shares;
    }

    public static string? CheckReason(string? reason) =>
        string.IsNullOrWhiteSpace(reason) ? "请填写修正原因"
        : reason.Trim().Length > MaxReason ? $"修正原因不能超过 {MaxReason} 个字"
        : null;
}
