using CabinetOps.Server.Features.Orders;
using CabinetOps.Server.Infrastructure.Persistence;

namespace CabinetOps.UnitTests.Features.Orders;

public sealed class OrderRulesTests
{
    private static readonly Dictionary<string, CataloguePrice> Catalogue = new()
    {
        ["P001"] = new CataloguePrice(1, "饮用天然水 550ml", new Money(200)),
        ["P002"] = new CataloguePrice(2, "原味薯片 70g", new Money(700)),
    };

    private static VendorLine Line(int no, string sku, int quantity, long unitFen) => new(no, sku, "690", "vendor name", quantity, unitFen, quantity * unitFen, 0.99m);

    private static PricedOrder Price(IReadOnlyList<VendorLine> lines, long? totalFen = null, int? itemCount = null, long limitFen = 50_000, int itemLimit = 20) =>
        OrderRules.Price(lines, totalFen ?? lines.Sum(l => l.AmountFen), itemCount ?? lines.Sum(l => l.Quantity), Catalogue, new Money(limitFen), itemLimit);

    [Fact]
    public void LinesArePricedFromOurCatalogueAndTheVendorsPriceIsKept()
    {
        var order = Price([Line(1, "P001", 2, 200), Line(2, "P002", 1, 650)]);
        Assert.Equal(new Money(1100), order.Total);
        Assert.Equal(new Money(1050), order.VendorTotal);
        Assert.Equal(3, order.ItemCount);
        Assert.True(order.PriceMismatch);
        Assert.Equal([false, true], order.Lines.Select(l => l.PriceMismatch));
        Assert.Equal("原味薯片 70g", order.Lines[1].Name);
        Assert.Null(order.Hold);
    }

    [Fact]
    public void AProductWeDoNotKnowHoldsTheOrder()
    {
        var order = Price([Line(1, "P001", 1, 200), Line(2, "P999", 1, 300), Line(3, "", 1, 0)]);
        Assert.Equal(OrderHold.UnknownProduct, order.Hold);
        Assert.Equal(new Money(200), order.Total);
        Assert.Null(order.Lines[1].ProductId);
    }

    [Theory]
    [InlineData(50_000, null)]
    [InlineData(49_999, OrderHold.AmountOverLimit)]
    public void TheStoresAmountLimitIsInclusive(long limitFen, OrderHold? hold)
    {
        // 250 bottles at 2.00 = 500.00 exactly.
        Assert.Equal(hold, Price([Line(1, "P001", 250, 200)], limitFen: limitFen, itemLimit: 1000).Hold);
    }

    [Fact]
    public void MoreItemsThanTheStoreAllowsHoldTheOrder()
    {
        Assert.Null(Price([Line(1, "P001", 20, 200)]).Hold);
        Assert.Equal(OrderHold.ItemCountOverLimit, Price([Line(1, "P001", 20, 200), Line(2, "P002", 1, 700)]).Hold);
    }

    [Fact]
    public void BrokenVendorInvariantsHoldTheOrderBeforeAnythingElse()
    {
        Assert.Equal(OrderHold.VendorDataInvalid, Price([Line(1, "P001", 1, 200)], totalFen: 300).Hold);
        Assert.Equal(OrderHold.VendorDataInvalid, Price([Line(1, "P001", 1, 200)], itemCount: 2).Hold);
        Assert.Equal(OrderHold.VendorDataInvalid, Price([Line(1, "P001", 1, 200), Line(2, "P001", 1, 200)]).Hold);
        Assert.Equal(OrderHold.VendorDataInvalid, Price([new VendorLine(1, "P001", null, "x", 2, 200, 300, 0.99m)], totalFen: 300).Hold);
        Assert.Equal(OrderHold.VendorDataInvalid, Price([Line(1, "P999", 0, 200)]).Hold);
        Assert.Equal(OrderHold.VendorDataInvalid, Price(Enumerable.Range(1, 101).Select(i => Line(i, $"X{i}", 1, 1)).ToList()).Hold);
    }

    [Fact]
    public void AnEmptyOrderIsZero()
    {
        var order = Price([]);
        Assert.Equal(Money.Zero, order.Total);
        Assert.Null(order.Hold);
    }

    [Theory]
    // 0.01 CNY = 5 tickets: enough, one short.
    [InlineData(1, 5, 5, 1, 0)]
    [InlineData(1, 4, 0, 0, 1)]
    // Exact balance, one ticket short (whole fen only), plenty, none, negative clamp.
    [InlineData(1100, 5500, 5500, 1100, 0)]
    [InlineData(1100, 5499, 5495, 1099, 1)]
    [InlineData(1100, 1_000_000, 5500, 1100, 0)]
    [InlineData(1100, 0, 0, 0, 1100)]
    [InlineData(1100, -3, 0, 0, 1100)]
    [InlineData(0, 100, 0, 0, 0)]
    public void TicketsCoverWholeFenAndTheRestIsDueByWechat(long totalFen, long balance, long tickets, long ticketFen, long wechatFen)
    {
        var split = OrderRules.SplitTickets(new Money(totalFen), balance);
        Assert.Equal(new TicketSplit(tickets, new Money(ticketFen), new Money(wechatFen)), split);
        Assert.Equal(totalFen, split.TicketPart.Fen + split.WechatPart.Fen);
        Assert.True(split.Tickets <= Math.Max(0, balance));
    }

    [Theory]
    // Unpaid: the total less what tickets covered; a split order owes only its WeChat part.
    [InlineData(PaymentStatus.Unpaid, false, 1100, 0, 1100)]
    [InlineData(PaymentStatus.Unpaid, false, 1100, 5495, 1)]
    [InlineData(PaymentStatus.Failed, false, 1100, 0, 1100)]
    [InlineData(PaymentStatus.Paying, false, 1, 0, 1)]
    // Nothing is due once paid or cancelled, nor while held for review.
    [InlineData(PaymentStatus.Paid, false, 1100, 0, 0)]
    [InlineData(PaymentStatus.Cancelled, false, 1100, 0, 0)]
    [InlineData(PaymentStatus.Unpaid, true, 1100, 0, 0)]
    public void WhatIsDueByWechat(PaymentStatus status, bool held, long totalFen, long ticketsPaid, long dueFen) =>
        Assert.Equal(dueFen, OrderRules.WechatDue(status, held ? OrderHold.AmountOverLimit : null, new Money(totalFen), ticketsPaid).Fen);

    [Fact]
    public void AHeldOrderReadsUnderReviewWhateverItsPaymentState()
    {
        Assert.Equal("审核中", OrderRules.StatusLabel(PaymentStatus.Unpaid, OrderHold.UnknownProduct));
        Assert.Equal(["待支付", "支付中", "已支付", "支付失败", "已取消"],
            new[] { PaymentStatus.Unpaid, PaymentStatus.Paying, PaymentStatus.Paid, PaymentStatus.Failed, PaymentStatus.Cancelled }.Select(s => OrderRules.StatusLabel(s, null)));
    }
}
