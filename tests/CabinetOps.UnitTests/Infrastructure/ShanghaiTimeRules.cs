using CabinetOps.Server.Infrastructure.Time;

namespace CabinetOps.UnitTests.Infrastructure;

public sealed class ShanghaiTimeRules
{
    [Fact]
    public void UtcIsShownEightHoursAhead() =>
        Assert.Equal("2026-11-25 08:00:00", ShanghaiTime.Format(new DateTime(2026, 11, 25, 0, 0, 0, DateTimeKind.Utc)));

    [Fact]
    public void ShanghaiMidnightIsFourPmUtcTheDayBefore() =>
        Assert.Equal(new DateTime(2026, 11, 24, 16, 0, 0, DateTimeKind.Utc), ShanghaiTime.ToUtc(new DateTime(2026, 11, 25)));
}
