using CabinetOps.Server.Infrastructure.Observability;

namespace CabinetOps.UnitTests.Infrastructure;

/// <summary>Decision 0021: a node says which GC settings it runs with, and warns when its gen0 budget is not pinned.</summary>
public sealed class RuntimeSettingsRules
{
    [Fact]
    public void APinnedGen0BudgetIsLoggedAsInformation()
    {
        var (message, warning) = RuntimeSettings.Describe(new Dictionary<string, object>
        {
            ["ServerGC"] = false, ["ConcurrentGC"] = true, ["GCGen0MaxBudget"] = 8388608L, ["GCConserveMem"] = 7L,
        });
        Assert.False(warning);
        Assert.Equal("GC: workstation, background gen2, gen0 budget 8 MB, conserve memory 7", message);
    }

    [Fact]
    public void ABudgetFollowingTheCpuCacheIsAWarningThatNamesTheSetting()
    {
        var (message, warning) = RuntimeSettings.Describe(new Dictionary<string, object>
        {
            ["ServerGC"] = false, ["ConcurrentGC"] = true, ["GCGen0MaxBudget"] = 83886080L, ["GCConserveMem"] = 0L,
        });
        Assert.True(warning);
        Assert.StartsWith("GC: workstation, background gen2, gen0 budget 80 MB", message);
        Assert.Contains("DOTNET_GCgen0size=0x800000", message);
    }

    [Fact]
    public void ThisProcessReportsTheSettingsTheDescriptionReads()
    {
        var gc = GC.GetConfigurationVariables();
        Assert.True(gc.ContainsKey("GCGen0MaxBudget") && gc.ContainsKey("GCConserveMem") && gc.ContainsKey("ServerGC") && gc.ContainsKey("ConcurrentGC"));
    }
}
