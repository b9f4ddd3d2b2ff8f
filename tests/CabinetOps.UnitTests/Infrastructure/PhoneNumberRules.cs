using CabinetOps.Server.Infrastructure.Security;

namespace CabinetOps.UnitTests.Infrastructure;

public sealed class PhoneNumberRules
{
    [Theory]
    [InlineData("13800000000", "138****0000")]
    [InlineData("138 0000 1234", "138****1234")]
    [InlineData("123", "****")]
    public void MaskShowsAtMostThreeAndFourDigits(string phone, string masked) => Assert.Equal(masked, PhoneNumber.Mask(phone));

    [Fact]
    public void NormaliseKeepsDigitsOnly() => Assert.Equal("13800000000", PhoneNumber.Normalise("+86 138-0000-0000"[3..]));
}
