using System.Globalization;

namespace CabinetOps.Server.Infrastructure.Observability;

/// <summary>
/// The garbage collector's memory settings, logged when a node starts (decision 0021). Unless
/// <c>DOTNET_GCgen0size</c> pins it, the GC sizes its gen0 budget from the CPU's last-level cache:
/// 80 MB on a host with a 260 MB L3, which took a node's RSS under the order benchmark from ≈ 300 to
/// ≈ 370 MB. The GC reads that setting from the environment only (no runtimeconfig knob exists for it),
/// so a node started without it says so in its log instead of silently using more memory.
/// </summary>
public static class RuntimeSettings
{
    /// <summary>A gen0 budget above this means DOTNET_GCgen0size is missing (the deployment sets 8 MB).</summary>
    public const long Gen0BudgetCeiling = 16 * 1024 * 1024;

    /// <summary>What to log for these GC settings (<see cref="GC.GetConfigurationVariables"/>), and whether it is a warning.</summary>
    public static (string Message, bool Warning) Describe(IReadOnlyDictionary<string, object> gc)
    {
        var gen0 = Bytes(gc, "GCGen0MaxBudget");
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"GC: {(Flag(gc, "ServerGC") ? "server" : "workstation")}, {(Flag(gc, "ConcurrentGC") ? "background" : "blocking")} gen2, gen0 budget {gen0 / 1048576.0:0.#} MB, conserve memory {Bytes(gc, "GCConserveMem")}");
        return gen0 > Gen0BudgetCeiling
            ? (summary + "; DOTNET_GCgen0size is not set (deploy: DOTNET_GCgen0size=0x800000), so gen0 follows this CPU's cache and the node uses more memory than it needs", true)
            : (summary, false);
    }

    public static void Log(ILogger logger)
    {
        var (message, warning) = Describe(GC.GetConfigurationVariables());
        if (warning)
            logger.LogWarning("{RuntimeSettings}", message);
        else
            logger.LogInformation("{RuntimeSettings}", message);
    }

    private static long Bytes(IReadOnlyDictionary<string, object> gc, string key) =>
        gc.TryGetValue(key, out var v) ? Convert.ToInt64(v, CultureInfo.InvariantCulture) : 0;

    private static bool Flag(IReadOnlyDictionary<string, object> gc, string key) => gc.TryGetValue(key, out var v) && v is true;
}
