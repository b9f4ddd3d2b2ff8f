using CabinetOps.Server.Infrastructure.Observability;

namespace CabinetOps.UnitTests.Infrastructure;

/// <summary>Decision 0021: a node says which memory settings it runs with, and warns when gen0 or the malloc arenas are not set as deployed.</summary>
public sealed class RuntimeSettingsRules
{
    [Fact]
    public void SettingsAsDeployedAreLoggedAsInformation()
    {
        var (message, warning) = RuntimeSettings.Describe(WorkstationGc(8388608L, 7L), "2");
        Assert.False(warning);
        Assert.Equal("GC: workstation, background gen2, gen0 budget 8 MB, conserve memory 7; malloc arenas 2", message);
    }

    [Fact]
    public void ABudgetFollowingTheCpuCacheIsAWarningThatNamesTheSetting()
    {
        var (message, warning) = RuntimeSettings.Describe(WorkstationGc(83886080L, 0L), "2");
        Assert.True(warning);
        Assert.StartsWith("GC: workstation, background gen2, gen0 budget 80 MB", message);
        Assert.Contains("DOTNET_GCgen0size=0x800000", message);
        Assert.DoesNotContain("MALLOC_ARENA_MAX", message);
    }

    [Fact]
    public void UncappedMallocArenasAreAWarningThatNamesTheSetting()
    {
        var (message, warning) = RuntimeSettings.Describe(WorkstationGc(8388608L, 7L), null);
        Assert.True(warning);
        Assert.Contains("malloc arenas glibc default", message);
        Assert.Contains("MALLOC_ARENA_MAX=2", message);
        Assert.DoesNotContain("DOTNET_GCgen0size", message);
    }

    [Fact]
    public void ThisProcessReportsTheSettingsTheDescriptionReads()
    {
        var gc = GC.GetConfigurationVariables();
        Assert.True(gc.ContainsKey("GCGen0MaxBudget") && gc.ContainsKey("GCConserveMem") && gc.ContainsKey("ServerGC") && gc.ContainsKey("ConcurrentGC"));
    }

    /// <summary>What <see cref="GC.GetConfigurationVariables"/> reports for a workstation GC with background gen2.</summary>
    private static Dictionary<string, object> WorkstationGc(long gen0Budget, long conserveMemory) => new()
    {
        ["ServerGC"] = false, ["ConcurrentGC"] = true, ["GCGen0MaxBudget"] = gen0Budget, ["GCConserveMem"] = conserveMemory,
    };
}
