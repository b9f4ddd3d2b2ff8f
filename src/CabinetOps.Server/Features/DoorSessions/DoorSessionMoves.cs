using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CabinetOps.Server.Features.DoorSessions;

/// <summary>
/// Moves a session between states. The open request and the vendor's door events race each other
/// (an event may arrive before the open call has answered), so every move is a conditional UPDATE
/// on the state it starts from. The UPDATE carries the cause; the database records the move with it in
/// <c>door_session_transitions</c> (a trigger), so a move is one statement and needs no transaction
/// of its own.
/// </summary>
public sealed class DoorSessionMoves(CabinetOpsDbContext db, Infrastructure.Messaging.WorkQueue queue, IOptions<DoorSessionOptions> options, TimeProvider clock,
    ILogger<DoorSessionMoves> logger)
{
    /// <summary>
    /// Moves forwards to <paramref name="to"/> if the rules allow it from the current state; false when it no longer applies.
    /// <paramref name="expected"/>: the state the caller believes the session is in (it just wrote or read it), tried
    /// first without reading it; a race with a door event simply falls back to reading.
    /// <paramref name="facts"/>: the vendor facts that came with the cause, written by the move's own UPDATE
    /// (one statement instead of two on the door's hot path), or on their own when there is no move.
    /// </summary>
    public async Task<bool> MoveAsync(long sessionId, DoorSessionStatus to, string cause, DateTime? at, CancellationToken ct, string? failureCode = null,
        string? failureMessage = null, DoorSessionStatus? expected = null, VendorFacts? facts = null)
    {
        if (!await TryMoveAsync(sessionId, to, cause, at ?? clock.GetUtcNow().UtcDateTime, failureCode, failureMessage, expected, facts, ct))
        {
            if (facts is not null)
                await RecordVendorFactsAsync(sessionId, facts.WheatOrderNo, facts.UnlockExpiresAt, facts.SessionSeq, ct);
            return false;
        }

        return true;
    }

    private async Task<bool> TryMoveAsync(long sessionId, DoorSessionStatus to, string cause, DateTime when, string? failureCode, string? failureMessage,
        DoorSessionStatus? expected, VendorFacts? facts, CancellationToken ct)
    {
        var (wheatOrderNo, unlockExpiresAt, sessionSeq) = (facts?.WheatOrderNo, facts?.UnlockExpiresAt, facts?.SessionSeq);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var from = attempt == 0 && expected is { } believed ? believed
                : await db.DoorSessions.Where(s => s.Id == sessionId).Select(s => s.Status).SingleAsync(ct);
            if (from == to || !DoorSessionRules.CanMove(from, to))
            {
                // A believed state short of the target may be out of date (states only move forwards,
                // so one already at the target is not): then only the stored state can refuse the move.
                if (attempt == 0 && expected is not null && from != to)
                    continue;
                return false;
            }

            var now = clock.GetUtcNow().UtcDateTime;
            var (keepCheck, nextCheck) = NextCheck(to, now);
            var moved = await db.DoorSessions.Where(s => s.Id == sessionId && s.Status == from).ExecuteUpdateAsync(u => u
                .SetProperty(s => s.Status, to)
                .SetProperty(s => s.StatusCause, Truncate(cause))
                .SetProperty(s => s.UpdatedAt, now)
                .SetProperty(s => s.CheckDueAt, s => keepCheck ? s.CheckDueAt : nextCheck)
                .SetProperty(s => s.OpenedAt, s => to == DoorSessionStatus.Opened && s.OpenedAt == null ? when : s.OpenedAt)
                .SetProperty(s => s.ClosedAt, s => to == DoorSessionStatus.Closed && s.ClosedAt == null ? when : s.ClosedAt)
                .SetProperty(s => s.EndedAt, s => DoorSessionRules.IsTerminal(to) ? when : s.EndedAt)
                .SetProperty(s => s.FailureCode, s => failureCode ?? s.FailureCode)
                .SetProperty(s => s.FailureMessage, s => failureMessage ?? s.FailureMessage)
                .SetProperty(s => s.WheatOrderNo, s => s.WheatOrderNo ?? wheatOrderNo)
                .SetProperty(s => s.UnlockExpiresAt, s => s.UnlockExpiresAt ?? unlockExpiresAt)
                .SetProperty(s => s.LastSessionSeq, s => sessionSeq != null && sessionSeq > s.LastSessionSeq ? sessionSeq.Value : s.LastSessionSeq), ct);
            if (moved == 1)
            {
                // What the caller added before the move is saved with it, as callers expect (an order's id, say); nothing pending costs nothing.
                await db.SaveChangesAsync(ct);
                // A door that never opened must not leave a Pay Score order behind.
                if (to is DoorSessionStatus.Failed or DoorSessionStatus.Expired
                    && await db.DoorSessions.AnyAsync(s => s.Id == sessionId && s.PayScoreRequest != null && s.PayScoreOrderState != "REVOKED", ct))
                    await queue.EnqueueAsync(new CancelPayScoreOrder(sessionId), ct);
                logger.LogInformation("Door session {SessionId} {From} → {To}: {Cause}", sessionId, from, to, cause);
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// When a session moved to <paramref name="to"/> is next checked with the vendor if nothing moves it
    /// on (decision 0020; the sweep <see cref="DoorSessionSafetyNet"/> acts on it): still opening keeps
    /// the check its open set; an open door is asked about once the vendor's bound for a close has
    /// passed, a closed one once the order is overdue; an ended session is never checked.
    /// </summary>
    private (bool Keep, DateTime? Next) NextCheck(DoorSessionStatus to, DateTime now) => to switch
    {
        DoorSessionStatus.Created or DoorSessionStatus.Opening => (true, null),
        DoorSessionStatus.Opened => (false, now + options.Value.OpenedCheckAfter),
        DoorSessionStatus.Closed => (false, now + options.Value.ClosedCheckAfter),
        _ => (false, null),
    };

    /// <summary>
    /// Has the safety net check the session with the vendor again after <paramref name="after"/>
    /// (the sweep <see cref="DoorSessionSafetyNet"/> hands it over once due), unless the session has
    /// moved past <paramref name="until"/> by then — a later move sets its own check.
    /// </summary>
    public Task CheckAgainAsync(long sessionId, TimeSpan after, CancellationToken ct, DoorSessionStatus until = DoorSessionStatus.Closed)
    {
        var due = clock.GetUtcNow().UtcDateTime + after;
        return db.DoorSessions.Where(s => s.Id == sessionId && s.Status <= until).ExecuteUpdateAsync(u => u.SetProperty(s => s.CheckDueAt, due), ct);
    }

    /// <summary>Records vendor facts that do not depend on the state (first value wins; the session sequence only grows).</summary>
    public Task RecordVendorFactsAsync(long sessionId, string? wheatOrderNo, DateTime? unlockExpiresAt, int? sessionSeq, CancellationToken ct) =>
        db.DoorSessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.WheatOrderNo, s => s.WheatOrderNo ?? wheatOrderNo)
            .SetProperty(s => s.UnlockExpiresAt, s => s.UnlockExpiresAt ?? unlockExpiresAt)
            .SetProperty(s => s.LastSessionSeq, s => sessionSeq != null && sessionSeq > s.LastSessionSeq ? sessionSeq.Value : s.LastSessionSeq), ct);

    private static string Truncate(string s) => s.Length > 200 ? s[..200] : s;
}

/// <summary>What the vendor says of a session besides its state: first values win, the sequence only grows.</summary>
public sealed record VendorFacts(string? WheatOrderNo, DateTime? UnlockExpiresAt, int? SessionSeq);
