using System.Globalization;

namespace CabinetOps.Server.Infrastructure.Observability;

/// <summary>
/// The memory settings a node runs with, logged when it starts (decision 0021). Unless
/// <c>DOTNET_GCgen0size</c> pins it, the GC sizes its gen0 budget from the CPU's last-level cache:
/// 80 MB on a host with a 260 MB L3, which took a node's RSS under the order benchmark from ≈ 300 to
/// ≈ 370 MB. Unless <c>MALLOC_ARENA_MAX</c> caps them, glibc gives busy threads malloc arenas of their
/// own that keep freed memory (≈ 16 MB more under the Pay Score benchmark, where OpenSSL signs every call).
/// Both are read from the environment only, before any of our code runs, so a node started without
/// them says so in its log instead of silently using more memory.
/// </summary>
public static class RuntimeSettings
{
    /// <summary>A gen0 budget above this means DOTNET_GCgen0size is missing (the deployment sets 8 MB).</summary>
    public const long Gen0BudgetCeiling = 16 * 1024 * 1024;

    /// <summary>
    /// What to log for these GC settings (<see cref="GC.GetConfigurationVariables"/>) and this
    /// <c>MALLOC_ARENA_MAX</c>, and whether it is a warning (either not set as deployed).
    /// </summary>
    public static (string Message, bool Warning) Describe(IReadOnlyDictionary<string, object> gc, string? mallocArenaMax)
    {
        var gen0 = Bytes(gc, "GCGen0MaxBudget");
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"GC: {(Flag(gc, "ServerGC") ? "server" : "workstation")}, {(Flag(gc, "ConcurrentGC") ? "background" : "blocking")} gen2, gen0 budget {gen0 / 1048576.0:0.#} MB, conserve memory {Bytes(gc, "GCConserveMem")}; malloc arenas {(string.IsNullOrEmpty(mallocArenaMax) ? "glibc default" : mallocArenaMax)}");
        var missing = new List<string>();
        if (gen0 > Gen0BudgetCeiling)
            missing.Add("DOTNET_GCgen0size=0x800000 (gen0 follows this CPU's cache)");
        if (string.IsNullOrEmpty(mallocArenaMax))
            missing.Add("MALLOC_ARENA_MAX=2 (every busy thread may get a malloc arena)");
        return missing.Count == 0
            ? (summary, false)
            : (summary + $"; not set as deployed: {string.Join(", ", missing)}, so the node uses more memory than it needs", true);
    }

    public static void Log(ILogger logger)
    {
        var (message, warning) = Describe(GC.GetConfigurationVariables(), Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX"));
        if (warning)
            logger.LogWarning("{RuntimeSettings}", message);
        else
            logger.LogInformation("{RuntimeSettings}", message);
    }

    private static long Bytes(IReadOnlyDictionary<string, object> gc, string key) =>
        gc.TryGetValue(key, out var v) ? Convert.ToInt64(v, CultureInfo.InvariantCulture) : 0;

    private static bool Flag(IReadOnlyDictionary<string, object> gc, string key) => gc.TryGetValue(key, out var v) && v is true;
}
