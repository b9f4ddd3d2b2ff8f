using CabinetOps.Server.Infrastructure.Persistence;
using CabinetOps.Server.Integrations.Xiaomai;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CabinetOps.Server.Features.DoorSessions;

/// <summary>
/// What an open command needs of its session. <c>RequestedAtStored</c>: the session was stored with
/// <c>open_requested_at</c> already set. <c>CheckedWhenUnlockEnds</c>: the session's own safety net
/// (<see cref="CheckDoorSessionUnderWay"/>) already asks the vendor when the unlock window runs out, so
/// an accepted open schedules no second check for the same moment.
/// </summary>
public sealed record OpenCommand(long SessionId, string SessionNo, int CustomerId, DoorSessionStatus Status, string DeviceCode, string StoreCode,
    bool RequestedAtStored = false, bool CheckedWhenUnlockEnds = false);

/// <summary>Where an open command left its session. <c>Resend</c>: the outcome is unknown and the identical command must be sent again.</summary>
public sealed record OpenOutcome(DoorSessionStatus Status, bool Resend = false, string? FailureCode = null, string? FailureMessage = null);

/// <summary>The vendor's answer to an open command and what it means for the session, before it is written.</summary>
public sealed record VendorOpenAnswer(OpenCommand Command, XiaomaiResult<XiaomaiOpenResult> Result, OpenOutcome Outcome);

/// <summary>
/// Sends a stored session's open command to Xiaomai with the session number as the idempotency
/// key (xiaomai.md §2.7.5) and applies the answer — from the open request, from a resend after an
/// unknown outcome, or once a 需确认 Pay Score order has been confirmed.
/// </summary>
public sealed class DoorOpener(CabinetOpsDbContext db, DoorSessionMoves moves, XiaomaiClient xiaomai, IOptions<DoorSessionOptions> options,
    TimeProvider clock, ILogger<DoorOpener> logger)
{
    /// <summary>Sends (or resends) the open command of a stored session; false when the outcome is unknown and it must be resent.</summary>
    public async Task<bool> SendOpenAsync(long sessionId, CancellationToken ct)
    {
        var command = await (from s in db.DoorSessions.AsNoTracking()
                             join d in db.Devices on s.DeviceId equals d.Id
                             join st in db.Stores on s.StoreId equals st.Id
                             where s.Id == sessionId
                             select new OpenCommand(s.Id, s.SessionNo, s.CustomerId, s.Status, d.DeviceCode, st.StoreCode, false)).SingleAsync(ct);
        if (!DoorSessionRules.IsActive(command.Status) || command.Status == DoorSessionStatus.Opened)
            return true;
        return !(await SendAsync(command, ct)).Resend;
    }

    /// <summary>Sends the open command of a session the caller has just loaded or stored, and applies the answer.</summary>
    public async Task<OpenOutcome> SendAsync(OpenCommand command, CancellationToken ct)
    {
        var answer = await CallAsync(command, ct);
        await RecordAsync(answer, ct);
        return answer.Outcome;
    }

    /// <summary>
    /// Sends the open command and reads what the vendor's answer means for the session, without
    /// writing it: the open request answers the customer first and records the answer after
    /// (<see cref="RecordAsync"/>), so the customer does not wait for that commit.
    /// </summary>
    public async Task<VendorOpenAnswer> CallAsync(OpenCommand command, CancellationToken ct)
    {
        if (!command.RequestedAtStored)
        {
            var sentAt = clock.GetUtcNow().UtcDateTime;
            await db.DoorSessions.Where(s => s.Id == command.SessionId).ExecuteUpdateAsync(u => u.SetProperty(s => s.OpenRequestedAt, sentAt), ct);
        }

        var result = await xiaomai.OpenAsync(command.DeviceCode,
            new XiaomaiOpenRequest(command.SessionNo, CustomerRef(command.CustomerId), 1, options.Value.UnlockWindowSeconds, $"store={command.StoreCode}"), ct);
        var outcome = result.Ok ? new OpenOutcome(DoorSessionStatus.Opening)
            : result.OutcomeUnknown ? new OpenOutcome(DoorSessionStatus.Opening, Resend: true)
            : new OpenOutcome(DoorSessionStatus.Failed, FailureCode: result.ErrorCode, FailureMessage: OpenRefusalMessage(result.ErrorCode!));
        return new VendorOpenAnswer(command, result, outcome);
    }

    /// <summary>Writes the vendor's answer to an open command onto its session: the move, the vendor's facts, and any check it needs.</summary>
    public async Task RecordAsync(VendorOpenAnswer answer, CancellationToken ct)
    {
        var (command, result, outcome) = answer;
        var sessionId = command.SessionId;
        if (result.Ok)
        {
            var accepted = result.Data!;
            // The vendor's facts, the move and its transition in one statement.
            await moves.MoveAsync(sessionId, DoorSessionStatus.Opening, accepted.LockReleased ? "小麦已受理，锁已打开" : "小麦已受理，等待设备确认开锁",
                accepted.RequestedAt?.UtcDateTime, ct, expected: command.Status,
                facts: new VendorFacts(accepted.WheatOrderNo, accepted.UnlockExpiresAt?.UtcDateTime, null));

            // Due when this unlock window and its grace run out, unless a door event moves the session first.
            var o = options.Value;
            if (!command.CheckedWhenUnlockEnds)
                await moves.CheckAgainAsync(sessionId, TimeSpan.FromSeconds(o.UnlockWindowSeconds) + o.OpeningCheckGrace, ct, until: DoorSessionStatus.Opening);
        }
        else if (outcome.Resend)
        {
            // Accepted or not, we cannot tell: keep the session opening and resend the identical
            // command on the retry schedule until a 200 or a 4xx settles it (never a new session id).
            logger.LogWarning("Open of door session {SessionId} has an unknown outcome ({Code}); resending", sessionId, result.ErrorCode);
            await moves.MoveAsync(sessionId, DoorSessionStatus.Opening, "开门结果未知，正在向小麦确认", null, ct, expected: command.Status);
        }
        else
        {
            await moves.MoveAsync(sessionId, DoorSessionStatus.Failed, $"小麦拒绝开门：{result.ErrorCode}", null, ct, result.ErrorCode, outcome.FailureMessage,
                command.Status);
        }
    }

    /// <summary>The opaque customer reference the vendor echoes (never a phone number or openid, §2.3).</summary>
    public static string CustomerRef(int customerId) => $"u_{customerId}";

    private static string OpenRefusalMessage(string code) => code switch
    {
        "DEVICE_OFFLINE" => "设备离线，请稍后再试或更换柜子",
        "DEVICE_BUSY" => "柜子正在被使用，请稍候",
        "DEVICE_DISABLED" or "DEVICE_NOT_BOUND" or "DEVICE_NOT_FOUND" => "柜子暂停服务，请更换柜子",
        _ => "开门失败，请稍后重试",
    };
}
