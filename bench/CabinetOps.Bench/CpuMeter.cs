using System.Globalization;

namespace CabinetOps.Bench;

/// <summary>
/// CPU time per process group, read from /proc (Linux): the server, the simulators, PostgreSQL (every
/// process named postgres) and this load generator, and the machine's idle time. Measured around the
/// counted windows only, so the figures say where each order's CPU goes. PIDs come from
/// <c>BENCH_CPU_PIDS</c> ("server=123 simulators=456", set by bench/lib.sh).
/// </summary>
public sealed class CpuMeter
{
    private const double TickMs = 1000.0 / 100; // USER_HZ is 100 on Linux
    private readonly Dictionary<string, int> named = (Environment.GetEnvironmentVariable("BENCH_CPU_PIDS") ?? "")
        .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('='))
        .ToDictionary(p => p[0], p => int.Parse(p[1], CultureInfo.InvariantCulture));
    private readonly Dictionary<string, double> spentMs = [];
    private Dictionary<string, long>? started;

    public bool Available => OperatingSystem.IsLinux() && named.Count > 0;

    public void Start() => started = Available ? Snapshot() : null;

    public void Stop()
    {
        if (started is null)
            return;
        foreach (var (name, ticks) in Snapshot())
            spentMs[name] = spentMs.GetValueOrDefault(name) + (ticks - started[name]) * TickMs;
        started = null;
    }

    /// <summary>"server 9.1 ms, simulators 3.0 ms, … per order": the CPU each took in the measured windows, divided by <paramref name="orders"/>.</summary>
    public string PerOrder(int orders, double wallSeconds)
    {
        if (spentMs.Count == 0)
            return "CPU split: not measured (set BENCH_CPU_PIDS)";
        var busy = string.Join(", ", spentMs.Where(s => s.Key != "idle").Select(s => $"{s.Key} {s.Value / orders:0.00} ms"));
        var idle = spentMs["idle"] / (wallSeconds * 1000 * Environment.ProcessorCount) * 100;
        // The efficiency target decision 0022 proposes: the server's CPU per order against PostgreSQL's for the same orders.
        var ratio = spentMs.TryGetValue("server", out var server) && spentMs["postgres"] > 0 ? $"; server / PostgreSQL {server / spentMs["postgres"]:0.00}×" : "";
        return $"CPU per order in the counted windows: {busy}; machine idle {idle:0} %{ratio}";
    }

    private Dictionary<string, long> Snapshot()
    {
        var ticks = named.ToDictionary(n => n.Key, n => ProcessTicks(n.Value));
        ticks["postgres"] = Directory.EnumerateDirectories("/proc").Select(Path.GetFileName)
            .Where(d => d!.All(char.IsAsciiDigit)).Select(d => int.Parse(d!, CultureInfo.InvariantCulture))
            .Where(pid => Comm(pid) == "postgres").Sum(ProcessTicks);
        ticks["load generator"] = ProcessTicks(Environment.ProcessId);
        // /proc/stat's first line: cpu user nice system idle iowait …; idle + iowait is the machine's spare time.
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        ticks["idle"] = long.Parse(cpu[4], CultureInfo.InvariantCulture) + long.Parse(cpu[5], CultureInfo.InvariantCulture);
        return ticks;
    }

    private static string? Comm(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/comm").Trim(); }
        catch (IOException) { return null; }
    }

    /// <summary>utime + stime of the process (fields 14 and 15 of /proc/pid/stat, counted after the parenthesised name).</summary>
    private static long ProcessTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0; // a backend that ended between listing and reading
        }
    }
}
