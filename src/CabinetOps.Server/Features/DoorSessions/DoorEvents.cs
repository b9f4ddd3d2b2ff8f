using System.Text.Json;
using CabinetOps.Server.Infrastructure.Persistence;
using CabinetOps.Server.Integrations.Xiaomai;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CabinetOps.Server.Features.DoorSessions;

/// <summary>
/// The vendor's door events move the session (xiaomai.md §2.9): opened → closed, or open failed.
/// Events come twice, late or out of order; <see cref="DoorSessionMoves"/> only moves forwards, so
/// a late "opened" after "closed" changes nothing but the recorded facts.
/// </summary>
public sealed class DoorEvents(CabinetOpsDbContext db, DoorSessionMoves moves) : IXiaomaiEventProcessor
{
    public IReadOnlyCollection<string> EventTypes { get; } = ["door.opened", "door.closed", "door.open_failed", "door.left_open"];

    public async Task<string?> ProcessAsync(XiaomaiPush push, CancellationToken ct)
    {
        var data = push.Data!.Value.Deserialize<XiaomaiSessionEventData>(XiaomaiJson.Options);
        if (data?.SessionId is not { Length: > 0 } sessionNo)
            return "推送缺少 session_id";
        var session = await SessionOf.For(db)(db, sessionNo, ct);
        if (session is null)
            return $"未知的开门会话 {sessionNo}";
        // The facts go in with the move's own UPDATE (or on their own when the event moves nothing).
        var facts = new VendorFacts(data.WheatOrderNo, null, data.SessionSeq);
        switch (push.EventType)
        {
            // No close (no order) within the vendor's bound: the move sets when to ask it (§2.12 item 2; decision 0020).
            case "door.opened":
                await moves.MoveAsync(session.Id, DoorSessionStatus.Opened, "小麦：门已打开", (data.OpenedAt ?? push.OccurredAt)?.UtcDateTime, ct,
                    expected: session.Status, facts: facts);
                break;
            case "door.closed":
                await moves.MoveAsync(session.Id, DoorSessionStatus.Closed, "小麦：门已关闭", (data.ClosedAt ?? push.OccurredAt)?.UtcDateTime, ct,
                    expected: session.Status, facts: facts);
                break;
            case "door.open_failed":
                await moves.MoveAsync(session.Id, DoorSessionStatus.Failed, $"小麦：开门失败 {data.Reason}", (data.FailedAt ?? push.OccurredAt)?.UtcDateTime, ct,
                    data.Reason ?? "OTHER", OpenFailedMessage(data.Reason), expected: session.Status, facts: facts);
                break;
            case "door.left_open":
                // An alarm for store staff (alerts come with monitoring); the session goes on.
                await moves.RecordVendorFactsAsync(session.Id, facts.WheatOrderNo, null, facts.SessionSeq, ct);
                break;
        }

        return null;
    }

    /// <summary>What a door event needs of its session: which one, and the state it is believed to be in (compiled: every event reads it).</summary>
    private sealed record SessionState(long Id, DoorSessionStatus Status);

    private static readonly CompiledQuery<Func<CabinetOpsDbContext, string, CancellationToken, Task<SessionState?>>> SessionOf =
        new(() => EF.CompileAsyncQuery((CabinetOpsDbContext db, string sessionNo, CancellationToken _) =>
            db.DoorSessions.Where(s => s.SessionNo == sessionNo).Select(s => new SessionState(s.Id, s.Status)).FirstOrDefault()));

    public static string OpenFailedMessage(string? reason) => reason switch
    {
        "DOOR_NOT_OPENED" => "开锁后未拉开柜门，已重新上锁，可重新扫码开门",
        "DEVICE_OFFLINE" or "DEVICE_TIMEOUT" => "柜子网络异常，未能开门，请稍后再试",
        "LOCK_FAULT" or "CAMERA_FAULT" or "POWER_FAULT" => "柜子故障，未能开门，请更换柜子",
        _ => "开门失败，请稍后重试",
    };
}

/// <summary>Resends an open whose outcome is unknown; throwing keeps it on the retry schedule, then manual.</summary>
public static class ResendDoorOpenHandler
{
    public static async Task Handle(ResendDoorOpen message, DoorOpener opener, CancellationToken ct)
    {
        if (!await opener.SendOpenAsync(message.SessionId, ct))
            throw new InvalidOperationException($"开门会话 {message.SessionId} 的开门结果仍未知（小麦无响应）");
    }
}

/// <summary>
/// Asks the vendor about a session whose door events or order are overdue (§2.12) and applies its
/// answer exactly like the push would have: a lost order push is found here.
/// </summary>
public static class CheckDoorSessionHandler
{
    public static async Task Handle(CheckDoorSession message, CabinetOpsDbContext db, XiaomaiClient xiaomai, DoorSessionMoves moves,
        PayScoreServiceOrders payScore, Orders.OrderPushes orders, ExceptionOrders.ExceptionQueue exceptions, IOptions<DoorSessionOptions> options, TimeProvider clock,
        CancellationToken ct)
    {
        var session = await db.DoorSessions.AsNoTracking().SingleAsync(s => s.Id == message.SessionId, ct);
        if (!DoorSessionRules.IsTerminal(session.Status))
            await CheckAsync(session, db, xiaomai, moves, payScore, orders, exceptions, options.Value, clock, ct);
    }

    public static async Task Handle(CheckDoorSessionUnderWay message, CabinetOpsDbContext db, XiaomaiClient xiaomai, DoorSessionMoves moves,
        PayScoreServiceOrders payScore, Orders.OrderPushes orders, ExceptionOrders.ExceptionQueue exceptions, IOptions<DoorSessionOptions> options, TimeProvider clock,
        CancellationToken ct)
    {
        var session = await db.DoorSessions.AsNoTracking().SingleAsync(s => s.SessionNo == message.SessionNo, ct);
        if (session.Status is DoorSessionStatus.Created or DoorSessionStatus.Opening)
            await CheckAsync(session, db, xiaomai, moves, payScore, orders, exceptions, options.Value, clock, ct);
    }

    private static async Task CheckAsync(DoorSession session, CabinetOpsDbContext db, XiaomaiClient xiaomai, DoorSessionMoves moves,
        PayScoreServiceOrders payScore, Orders.OrderPushes orders, ExceptionOrders.ExceptionQueue exceptions, DoorSessionOptions o, TimeProvider clock, CancellationToken ct)
    {
        if (session.Status == DoorSessionStatus.Created && session.PayScoreRequest is not null)
        {
            // The Pay Score deadline: 需确认 not confirmed, or a create whose answer was never applied.
            // A last query for the former; unconfirmed → expire (the move cancels the order).
            await payScore.ConfirmAsync(session.Id, ct);
            if (await db.DoorSessions.Where(s => s.Id == session.Id).Select(s => s.Status).SingleAsync(ct) == DoorSessionStatus.Created)
                await moves.MoveAsync(session.Id, DoorSessionStatus.Expired, "微信支付分订单未在时限内确认", null, ct, "PAYSCORE_NOT_CONFIRMED", "未确认微信支付分订单，本次未开门");
            return;
        }

        var answer = await xiaomai.GetSessionAsync(session.SessionNo, ct);
        if (!answer.Ok)
        {
            if (answer.ErrorCode != "SESSION_NOT_FOUND")
                throw new InvalidOperationException($"向小麦查询开门会话 {session.SessionNo} 失败：{answer.Message}");
            // Not accepted at the vendor: proven only once an attempt still in flight could no longer arrive.
            var since = clock.GetUtcNow().UtcDateTime - (session.OpenRequestedAt ?? session.CreatedAt);
            if (since >= o.NotFoundProvesAfter)
                await moves.MoveAsync(session.Id, DoorSessionStatus.Expired, "小麦无此会话：开门指令未被受理", null, ct, "NOT_ACCEPTED", "开门未成功，请重新扫码");
            else
                await Again(o.NotFoundProvesAfter - since);
            return;
        }

        var vendor = answer.Data!;
        await moves.RecordVendorFactsAsync(session.Id, vendor.WheatOrderNo, null, vendor.LastSessionSeq, ct);
        switch (vendor.Status)
        {
            case "OPENING":
                await Again(o.OpeningCheckGrace);
                break;
            case "OPEN":
                await moves.MoveAsync(session.Id, DoorSessionStatus.Opened, "核对小麦：门已打开", vendor.OpenedAt?.UtcDateTime, ct);
                await Again(o.OpenedCheckAfter);
                break;
            case "OPEN_FAILED":
                await moves.MoveAsync(session.Id, DoorSessionStatus.Failed, $"核对小麦：开门失败 {vendor.OpenFailure?.Reason}", vendor.OpenFailure?.FailedAt?.UtcDateTime, ct,
                    vendor.OpenFailure?.Reason ?? "OTHER", DoorEvents.OpenFailedMessage(vendor.OpenFailure?.Reason));
                break;
            case "COMPLETED" when vendor.Order is not null:
                // The order push was lost or is late: the query's order is ingested exactly like the push.
                if (await orders.IngestAsync(vendor.Order, vendor.EndedAt, ct) is { } ignored)
                    throw new InvalidOperationException($"小麦会话 {session.SessionNo} 的订单无法处理：{ignored}");
                break;
            case "EXCEPTION":
                // The vendor could not settle it; the exception push was lost or is late: the query's
                // exception order enters the review queue exactly like the push.
                await moves.MoveAsync(session.Id, DoorSessionStatus.Closed, "核对小麦：异常订单", (vendor.ClosedAt ?? vendor.EndedAt)?.UtcDateTime, ct);
                if (vendor.Exception is not null && await exceptions.IngestAsync(vendor.Exception, vendor.EndedAt, ct) is { } refused)
                    throw new InvalidOperationException($"小麦会话 {session.SessionNo} 的异常订单无法处理：{refused}");
                break;
            default:
                // CLOSED: the door is shut and the cameras are still recognising; ask again, but not forever.
                var closedAt = (vendor.ClosedAt?.UtcDateTime ?? session.ClosedAt) ?? clock.GetUtcNow().UtcDateTime;
                await moves.MoveAsync(session.Id, DoorSessionStatus.Closed, $"核对小麦：{vendor.Status}", closedAt, ct);
                if (clock.GetUtcNow().UtcDateTime - closedAt >= o.RecognitionGiveUpAfter)
                    throw new InvalidOperationException($"小麦在关门 {o.RecognitionGiveUpAfter.TotalSeconds:0} 秒后仍未给出会话 {session.SessionNo} 的识别结果");
                await Again(o.ClosedCheckAfter);
                break;
        }

        // Asked again through the sweep, like every other check of a session (decisions 0018 and 0020): no message waits scheduled.
        Task Again(TimeSpan delay) => moves.CheckAgainAsync(session.Id, delay, ct);
    }
}
