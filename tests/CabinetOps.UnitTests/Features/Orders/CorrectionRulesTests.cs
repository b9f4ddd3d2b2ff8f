using CabinetOps.Server.Features.Orders;
using CabinetOps.Server.Infrastructure.Persistence;

namespace CabinetOps.UnitTests.Features.Orders;

public sealed class CorrectionRulesTests
{
    private static readonly Dictionary<string, CataloguePrice> Catalogue = new()
    {
        ["P003"] = new CataloguePrice(3, "可乐 330ml", new Money(350)),
    };

    private static readonly IReadOnlyList<CorrectionLine> Current =
    [
        new(1, 1, "P001", "饮用天然水 550ml", 2, 200, 400),
        new(2, 2, "P002", "原味薯片 70g", 1, 700, 700),
    ];

    [Fact]
    public void ALineKeepsThePriceItWasSoldAtAndAnAddedProductTakesOurCataloguePrice()
    {
        var (lines, error) = CorrectionRules.Apply(Current, [new CorrectionLineInput(1, null, 1), new CorrectionLineInput(null, " P003 ", 2)], Catalogue);

        Assert.Null(error);
        Assert.Equal([(1, 1, 200L, 200L), (2, 1, 700L, 700L), (3, 2, 350L, 700L)], lines!.Select(l => (l.LineNo, l.Quantity, l.UnitPriceFen, l.AmountFen)).ToList());
        Assert.Equal(new Money(1600), CorrectionRules.Total(lines!));
    }

    [Fact]
    public void QuantityZeroRemovesTheLine()
    {
        var (lines, _) = CorrectionRules.Apply(Current, [new CorrectionLineInput(2, null, 0)], Catalogue);
        Assert.Equal([1], lines!.Select(l => l.LineNo));
    }

    [Theory]
    [InlineData(9, null, 1, "订单没有第 9 行商品")]
    [InlineData(1, null, -1, "数量必须在 0–99 之间")]
    [InlineData(1, null, 100, "数量必须在 0–99 之间")]
    [InlineData(null, "P001", 1, "商品 P001 已在订单中，请修改该行的数量")]
    [InlineData(null, "NOPE", 1, "商品 NOPE 不在商品库中")]
    [InlineData(null, "P003", 0, "补充的商品数量必须大于 0")]
    [InlineData(null, null, 1, "请指定要修改的商品行或要补充的商品")]
    [InlineData(1, null, 2, "修正后的商品与原订单相同")]
    public void AnImpossibleRequestSaysWhy(int? lineNo, string? sku, int quantity, string why)
    {
        var (lines, error) = CorrectionRules.Apply(Current, [new CorrectionLineInput(lineNo, sku, quantity)], Catalogue);
        Assert.Null(lines);
        Assert.Equal(why, error);
    }

    [Fact]
    public void TheSameLineTwiceOrNothingAtAllIsRefused()
    {
        Assert.Equal("第 1 行商品重复", CorrectionRules.Apply(Current, [new CorrectionLineInput(1, null, 1), new CorrectionLineInput(1, null, 0)], Catalogue).Error);
        Assert.Equal("请至少修改一个商品", CorrectionRules.Apply(Current, [], Catalogue).Error);
    }

    [Theory]
    // paid: lower refunds the excess, higher makes a 补扣 of the shortfall, equal moves nothing
    [InlineData(800, 1100, true, 300, 0, false)]
    [InlineData(1500, 1100, true, 0, 400, false)]
    [InlineData(1100, 1100, true, 0, 0, false)]
    // unpaid: only what was collected beyond the new total goes back, and the order is then settled
    [InlineData(300, 500, false, 200, 0, true)]
    [InlineData(500, 500, false, 0, 0, true)]
    [InlineData(900, 500, false, 0, 0, false)]
    [InlineData(0, 0, false, 0, 0, true)]
    public void MoneyMovesByTheDifferenceBetweenTheNewTotalAndWhatWasCollected(long total, long collected, bool paid, long refund, long supplementary, bool settles)
    {
        Assert.Equal(new CorrectionMoney(new Money(refund), new Money(supplementary), settles), CorrectionRules.Settle(new Money(total), new Money(collected), paid));
    }

    [Fact]
    public void RefundsGoThroughWechatFirstThenTickets()
    {
        RefundSource[] sources = [new(1, PaymentChannel.Tickets, new Money(100)), new(2, PaymentChannel.Jsapi, new Money(600)), new(3, PaymentChannel.PayScore, new Money(50))];

        Assert.Equal([new RefundShare(3, PaymentChannel.PayScore, new Money(50)), new RefundShare(2, PaymentChannel.Jsapi, new Money(250))],
            CorrectionRules.Allocate(new Money(300), sources));
        Assert.Equal([new RefundShare(3, PaymentChannel.PayScore, new Money(50)), new RefundShare(2, PaymentChannel.Jsapi, new Money(600)), new RefundShare(1, PaymentChannel.Tickets, new Money(70))],
            CorrectionRules.Allocate(new Money(720), sources));
        Assert.Throws<InvalidOperationException>(() => CorrectionRules.Allocate(new Money(751), sources));
    }
}
