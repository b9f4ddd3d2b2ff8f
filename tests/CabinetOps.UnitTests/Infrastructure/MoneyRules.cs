using CabinetOps.Server.Infrastructure.Persistence;

namespace CabinetOps.UnitTests.Infrastructure;

public sealed class MoneyRules
{
    [Theory]
    [InlineData("0.01", 1)]
    [InlineData("12.34", 1234)]
    [InlineData("99999999.99", 9999999999)]
    public void FromYuanKeepsExactFen(string yuan, long fen) => Assert.Equal(fen, Money.FromYuan(decimal.Parse(yuan, System.Globalization.CultureInfo.InvariantCulture)).Fen);

    [Fact]
    public void FromYuanRefusesFractionsOfAFen() => Assert.Throws<ArgumentException>(() => Money.FromYuan(0.001m));

    [Fact]
    public void OneYuanIsFiveHundredTickets() => Assert.Equal(500, Money.FromYuan(1m).ToTickets());

    [Fact]
    public void OneFenIsFiveTickets() => Assert.Equal(5, new Money(1).ToTickets());

    [Fact]
    public void ToStringShowsTwoDecimals() => Assert.Equal("3.50", new Money(350).ToString());

    [Fact]
    public void ArithmeticOverflowThrowsInsteadOfWrapping() => Assert.Throws<OverflowException>(() => new Money(long.MaxValue) + new Money(1));
}
