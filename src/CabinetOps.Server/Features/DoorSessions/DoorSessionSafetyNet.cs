using CabinetOps.Server.Infrastructure.Messaging;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CabinetOps.Server.Features.DoorSessions;

/// <summary>
/// The safety net of every session (decisions 0018 and 0020), as a sweep instead of one scheduled
/// message per session and step: the open writes <see cref="DoorSession.CheckDueAt"/> with the
/// session's own INSERT, each move sets the next one (an open door's close, a closed door's order) or
/// clears it (an ended session), and this recurring job (once per cluster) hands each session still
/// due to <see cref="CheckDoorSessionUnderWay"/> (not yet under way) or <see cref="CheckDoorSession"/>
/// — durable work with the usual retries and manual escalation — clearing the mark in the same
/// commit, so a session is handed over once per due check.
/// </summary>
public sealed class DoorSessionSafetyNet(IServiceScopeFactory scopes, TimeProvider clock, ILogger<DoorSessionSafetyNet> logger)
{
    public const string JobName = "door-session-safety-net";

    /// <summary>Sessions handed over per commit: a backlog (after an outage) goes in several small transactions.</summary>
    private const int Batch = 100;

    public async Task SweepAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        while (await HandOverAsync(now, ct) == Batch)
        {
        }
    }

    /// <summary>One batch in one commit, in a scope of its own (a unit of work commits once).</summary>
    private async Task<int> HandOverAsync(DateTime now, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var work = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
        var due = await work.Db.DoorSessions.Where(s => s.CheckDueAt != null && s.CheckDueAt <= now).OrderBy(s => s.CheckDueAt).Take(Batch).ToListAsync(ct);
        if (due.Count == 0)
            return 0;
        foreach (var session in due)
        {
            if (session.Status is DoorSessionStatus.Created or DoorSessionStatus.Opening)
                await work.EnqueueAsync(new CheckDoorSessionUnderWay(session.SessionNo));
            // An open door with no close, a closed one with no order (decision 0020).
            else if (!DoorSessionRules.IsTerminal(session.Status))
                await work.EnqueueAsync(new CheckDoorSession(session.Id));
            session.CheckDueAt = null;
        }

        await work.CommitAsync(ct);
        logger.LogInformation("Safety net: {Count} door sessions were due for a check", due.Count);
        return due.Count;
    }
}
