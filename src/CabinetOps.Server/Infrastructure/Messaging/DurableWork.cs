using CabinetOps.Server.Infrastructure.Persistence;
using JasperFx;
using JasperFx.CodeGeneration;
using Wolverine;
using Wolverine.EntityFrameworkCore;
using Wolverine.ErrorHandling;
using Wolverine.Postgresql;
using Wolverine.Sqlite;

namespace CabinetOps.Server.Infrastructure.Messaging;

/// <summary>
/// A unit of work that talks to another system (process a pushed order, complete a Pay Score order,
/// push sales to the ERP…). Its handler may fail; it is then retried on the configured schedule and
/// finally escalated to the manual queue, where staff read <see cref="Describe"/>.
/// </summary>
public interface IExternalWork
{
    /// <summary>Chinese one-line description for the 人工处理队列 page, e.g. "向 ERP 推送 2026-11-24 销售数据".</summary>
    string Describe();
}

/// <summary>Section <c>DurableWork</c>.</summary>
public sealed class DurableWorkOptions
{
    public const string Section = "DurableWork";

    /// <summary>DESIGN §7: at most three retries, 15 s, 30 s and 60 s apart, then manual.</summary>
    public static readonly TimeSpan[] DefaultRetryDelays = [TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60)];

    /// <summary>
    /// Delays between attempts; empty means <see cref="DefaultRetryDelays"/>. Not initialised with the
    /// defaults: the configuration binder appends to an existing array instead of replacing it.
    /// </summary>
    public TimeSpan[] RetryDelays { get; set; } = [];

    public TimeSpan[] EffectiveRetryDelays => RetryDelays.Length == 0 ? DefaultRetryDelays : RetryDelays;

    /// <summary>
    /// How often scheduled work (including retries) is polled. Retries run up to this much late
    /// (notes/durable-work.md), so it is kept well under the shortest delay.
    /// </summary>
    public TimeSpan PollingInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How many units of work one node runs at once on PostgreSQL. A unit spends most of its time
    /// waiting for the database and the other systems, so far more than the core count keeps the
    /// cores busy (bench/order-charge.sh: 2 in parallel, Wolverine's default on 2 cores, charged
    /// ~17 orders/s). SQLite keeps Wolverine's default: its one writer would only make them queue.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 256)]
    public int Parallelism { get; set; } = 16;

    /// <summary>
    /// Where Wolverine's handler code comes from (decision 0013). <c>Static</c> (default): compiled
    /// into the server from <c>Internal/Generated</c>, written by
    /// <c>dotnet run --project src/CabinetOps.Server -- codegen write</c> after a handler changes;
    /// no compiler in the process. <c>Dynamic</c>: generated and compiled with Roslyn at run time
    /// (≈ 150 MB more memory, seconds on the first message) — only for handlers that live outside
    /// the server, such as the tests' own.
    /// </summary>
    public TypeLoadMode GeneratedCode { get; set; } = TypeLoadMode.Static;

    /// <summary>The <c>codegen</c> command runs: it generates every handler, so it needs the compiler.</summary>
    public static bool WritingGeneratedCode => Environment.GetCommandLineArgs().Contains("codegen");
}

/// <summary>
/// The business change and the work it causes, committed together: add entities to
/// <see cref="Db"/>, <see cref="EnqueueAsync"/> the work, then <see cref="CommitAsync"/> writes
/// both in one database transaction (Wolverine's EF Core outbox). Nothing is sent if the commit fails.
/// </summary>
public sealed class UnitOfWork(IDbContextOutbox<CabinetOpsDbContext> outbox)
{
    public CabinetOpsDbContext Db => outbox.DbContext;

    public ValueTask EnqueueAsync(IExternalWork work) => outbox.PublishAsync(work);

    public ValueTask ScheduleAsync(IExternalWork work, TimeSpan delay) => outbox.ScheduleAsync(work, delay);

    /// <summary>
    /// Commits, or rolls the whole transaction back and rethrows: Wolverine leaves a failed one open,
    /// and with no savepoint to return to (decision 0017) the context could not read again until the
    /// scope ended — a caller that lost a race reads the winner's row next.
    /// </summary>
    public async Task CommitAsync(CancellationToken ct)
    {
        try
        {
            await outbox.SaveChangesAndFlushMessagesAsync(ct);
        }
        catch
        {
            if (Db.Database.CurrentTransaction is { } failed)
            {
                await failed.RollbackAsync(CancellationToken.None);
                await failed.DisposeAsync();
            }

            throw;
        }
    }
}

/// <summary>
/// Work that follows a change already saved (a check to schedule, a cancel to make), sent through
/// Wolverine's message bus: durable on its own (the envelope is stored before this returns), and
/// inside a message handler enrolled in that handler's transaction. A <see cref="UnitOfWork"/> is
/// for a business change and its work in one commit, and commits once per scope.
/// </summary>
public sealed class WorkQueue(IMessageBus bus)
{
    public async Task EnqueueAsync(IExternalWork work, CancellationToken ct, TimeSpan? delay = null)
    {
        ct.ThrowIfCancellationRequested();
        if (delay is { } d)
            await bus.ScheduleAsync(work, d);
        else
            await bus.PublishAsync(work);
    }
}

public static class DurableWorkSetup
{
    public static IHostApplicationBuilder AddDurableWork(this IHostApplicationBuilder builder, DatabaseOptions db)
    {
        var work = builder.Configuration.GetSection(DurableWorkOptions.Section).Get<DurableWorkOptions>() ?? new DurableWorkOptions();
        if (work.EffectiveRetryDelays.Any(d => d <= TimeSpan.Zero))
            throw new InvalidOperationException("DurableWork:RetryDelays must list positive delays.");
        builder.Services.AddSingleton(work);
        builder.Services.AddScoped<UnitOfWork>();
        builder.Services.AddScoped<WorkQueue>();

        builder.UseWolverine(opts =>
        {
            opts.ServiceName = "CabinetOps";
            if (work.GeneratedCode == TypeLoadMode.Dynamic || DurableWorkOptions.WritingGeneratedCode)
                opts.UseRuntimeCompilation();
            else
                opts.CodeGeneration.TypeLoadMode = TypeLoadMode.Static;
            if (db.Provider == DatabaseProvider.Sqlite)
            {
                opts.PersistMessagesWithSqlite(db.ConnectionString);
                // Balanced mode never recovered a message committed before a crash on SQLite
                // (notes/durable-work.md); a SQLite file has one server process anyway.
                opts.Durability.Mode = DurabilityMode.Solo;
            }
            else
            {
                opts.PersistMessagesWithPostgresql(db.ConnectionString, "wolverine");
            }

            // Handlers use typed HTTP clients and factory-registered services (the adapters); Wolverine
            // resolves those from the message's scope instead of inlining their construction.
            opts.ServiceLocationPolicy = JasperFx.CodeGeneration.Model.ServiceLocationPolicy.AlwaysAllowed;
            opts.UseEntityFrameworkCoreTransactions();
            opts.Policies.AutoApplyTransactions();
            opts.Policies.UseDurableLocalQueues();
            if (db.Provider == DatabaseProvider.Postgres)
                opts.Policies.AllLocalQueues(q => q.MaximumParallelMessages(work.Parallelism));
            opts.Durability.ScheduledJobPollingTime = work.PollingInterval;
            // Tables are built by the migrate step (DatabaseMigrator), never by each node at start-up.
            opts.AutoBuildMessageStorageOnStartup = AutoCreate.None;

            opts.Policies.OnException<Exception>()
                .ScheduleRetry(work.EffectiveRetryDelays)
                .Then.MoveToErrorQueue();
        });
        return builder;
    }
}
