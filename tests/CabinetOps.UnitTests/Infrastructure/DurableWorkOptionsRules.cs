using CabinetOps.Server.Infrastructure.Messaging;
using Microsoft.Extensions.Configuration;

namespace CabinetOps.UnitTests.Infrastructure;

public sealed class DurableWorkOptionsRules
{
    [Fact]
    public void DefaultScheduleIsFifteenThirtySixtySeconds() =>
        Assert.Equal([TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60)], new DurableWorkOptions().EffectiveRetryDelays);

    [Fact]
    public void ConfiguredScheduleReplacesTheDefaultInsteadOfAppending()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DurableWork:RetryDelays:0"] = "00:00:05",
            ["DurableWork:RetryDelays:1"] = "00:00:10",
        }).Build();
        var options = config.GetSection(DurableWorkOptions.Section).Get<DurableWorkOptions>()!;
        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)], options.EffectiveRetryDelays);
    }
}
