using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CabinetOps.Server.Infrastructure.Messaging;

/// <summary>
/// A periodic job (ERP product sync, device status pull, housekeeping). Runs once per interval
/// across the whole cluster: each node that sees a new interval tries to claim its slot in the
/// database, and only the node whose insert succeeds runs it. A slot lost to a crash is not
/// re-run; every such job repairs drift, so the next slot catches up.
/// </summary>
public sealed record RecurringJob(string Name, Func<IServiceProvider, TimeSpan> Interval, Func<IServiceProvider, CancellationToken, Task> RunAsync);

/// <summary>A claimed run slot of a recurring job: (job, start of its interval).</summary>
public sealed class RecurringJobSlot
{
    public required string JobName { get; set; }
    public DateTime SlotStart { get; set; }
    public DateTime ClaimedAt { get; set; }
    public string? ClaimedBy { get; set; }
}

internal sealed class RecurringJobSlotConfiguration : IEntityTypeConfiguration<RecurringJobSlot>
{
    public void Configure(EntityTypeBuilder<RecurringJobSlot> b)
    {
        b.ToTable("recurring_job_slots");
        b.HasKey(x => new { x.JobName, x.SlotStart });
        b.Property(x => x.JobName).HasMaxLength(60);
        b.Property(x => x.ClaimedBy).HasMaxLength(100);
    }
}

public static class RecurringJobSetup
{
    public static IServiceCollection AddRecurringJob(this IServiceCollection services, RecurringJob job)
    {
        services.AddSingleton(job);
        return services;
    }

    /// <summary>Registers the runner; call once, after the migration hosted service.</summary>
    public static IServiceCollection AddRecurringJobRunner(this IServiceCollection services)
    {
        services.AddHostedService<RecurringJobRunner>();
        return services;
    }
}

internal sealed class RecurringJobRunner(IEnumerable<RecurringJob> jobs, IServiceProvider services, IServiceScopeFactory scopes, TimeProvider clock,
    IHostApplicationLifetime lifetime, ILogger<RecurringJobRunner> logger) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private readonly string _node = $"{Environment.MachineName}:{Environment.ProcessId}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Not before the server listens: on the embedded default the simulators a job calls are this very process.
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled()))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        // The last slot this node tried, per job: only an optimisation (one claim attempt per slot);
        // which node runs a slot is decided by the database.
        var tried = new Dictionary<string, DateTime>();
        var running = new Dictionary<string, Task>();
        using var timer = new PeriodicTimer(Tick, clock);
        do
        {
            foreach (var job in jobs)
            {
                if (running.TryGetValue(job.Name, out var task) && !task.IsCompleted)
                    continue;
                var interval = job.Interval(services);
                if (interval <= TimeSpan.Zero)
                    continue;
                var now = clock.GetUtcNow().UtcDateTime;
                var slot = new DateTime(now.Ticks - now.Ticks % interval.Ticks, DateTimeKind.Utc);
                if (tried.TryGetValue(job.Name, out var last) && last == slot)
                    continue;
                tried[job.Name] = slot;
                running[job.Name] = ClaimAndRunAsync(job, slot, interval, stoppingToken);
            }
        }
        while (await WaitAsync(timer, stoppingToken));

        await Task.WhenAll(running.Values);
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task ClaimAndRunAsync(RecurringJob job, DateTime slot, TimeSpan interval, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CabinetOpsDbContext>();
            var claimed = await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO recurring_job_slots (job_name, slot_start, claimed_at, claimed_by) VALUES ({0}, {1}, {2}, {3}) ON CONFLICT (job_name, slot_start) DO NOTHING",
                [job.Name, slot, clock.GetUtcNow().UtcDateTime, _node], ct);
            if (claimed != 1)
                return;
            await db.Database.ExecuteSqlRawAsync("DELETE FROM recurring_job_slots WHERE job_name = {0} AND slot_start < {1}",
                [job.Name, slot - interval * 10], ct);
            await job.RunAsync(scope.ServiceProvider, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // A failed slot is logged and left: the next slot runs the job again.
            logger.LogError(ex, "Recurring job {Job} failed for slot {Slot:o}", job.Name, slot);
        }
    }
}
