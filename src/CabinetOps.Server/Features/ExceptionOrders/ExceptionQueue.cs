using System.Text.Json;
using CabinetOps.Server.Features.DoorSessions;
using CabinetOps.Server.Features.Orders;
using CabinetOps.Server.Infrastructure.Persistence;
using CabinetOps.Server.Integrations.Xiaomai;
using Microsoft.EntityFrameworkCore;

namespace CabinetOps.Server.Features.ExceptionOrders;

/// <summary>
/// What enters the 异常订单 queue: the vendor's <c>order.exception</c> (from the push or the session
/// query, xiaomai.md §2.9, §2.12; one case per <c>wheat_order_no</c> however often it comes) and the
/// orders we intercept ourselves, each in the transaction that stores the push or the order.
/// </summary>
public sealed class ExceptionQueue(CabinetOpsDbContext db, DoorSessionMoves moves, TimeProvider clock, ILogger<ExceptionQueue> logger) : IXiaomaiEventProcessor
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public IReadOnlyCollection<string> EventTypes { get; } = ["order.exception"];

    public Task<string?> ProcessAsync(XiaomaiPush push, CancellationToken ct) =>
        IngestAsync(push.Data!.Value.Deserialize<XiaomaiExceptionData>(XiaomaiJson.Options), push.OccurredAt, ct);

    /// <summary>A session the vendor could not settle: its session is closed for review and a case opened; null, or why it was ignored.</summary>
    public async Task<string?> IngestAsync(XiaomaiExceptionData? data, DateTimeOffset? occurredAt, CancellationToken ct)
    {
        if (data?.WheatOrderNo is not { Length: > 0 } wheatOrderNo)
            return "推送缺少 wheat_order_no";
        if (await db.ExceptionOrders.AnyAsync(x => x.Source == ExceptionSource.Vendor && x.WheatOrderNo == wheatOrderNo, ct))
            return null;
        if (await db.Orders.AnyAsync(o => o.WheatOrderNo == wheatOrderNo, ct))
            return $"小麦订单 {wheatOrderNo} 已生成订单，忽略异常推送";
        var session = data.SessionId is { Length: > 0 } sessionNo ? await db.DoorSessions.AsNoTracking().FirstOrDefaultAsync(s => s.SessionNo == sessionNo, ct) : null;
        if (session is { Status: DoorSessionStatus.Settled })
            return $"开门会话 {session.SessionNo} 已结算，忽略异常推送";
        var device = session is not null
            ? await db.Devices.AsNoTracking().SingleAsync(d => d.Id == session.DeviceId, ct)
            : await db.Devices.AsNoTracking().FirstOrDefaultAsync(d => d.DeviceCode == data.DeviceCode, ct);
        var storeId = session?.StoreId ?? device?.StoreId;
        if (device is null || storeId is null)
            return $"异常订单 {wheatOrderNo} 的设备 {data.DeviceCode} 未登记或未绑定门店";

        var reasons = (data.Reasons ?? []).Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => r.Trim()).ToList();
        if (reasons.Count == 0)
            reasons.Add("OTHER");
        if (session is not null)
        {
            await moves.RecordVendorFactsAsync(session.Id, wheatOrderNo, null, data.SessionSeq, ct);
            await moves.MoveAsync(session.Id, DoorSessionStatus.Closed, $"小麦：异常订单（{ExceptionReasons.Label(reasons[0])}），待人工审核",
                (data.ClosedAt ?? data.DetectedAt ?? occurredAt)?.UtcDateTime, ct, expected: session.Status);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var suspected = (data.SuspectedItems ?? []).Select(i => new SuspectedItem(i.LineNo, i.SkuCode ?? "", i.Name ?? "", i.Quantity, i.UnitPriceFen, i.Confidence)).ToList();
        var allReasons = string.Join(',', reasons);
        db.ExceptionOrders.Add(new ExceptionOrder
        {
            CaseNo = BusinessNumbers.New("YC", now),
            Source = ExceptionSource.Vendor,
            Reason = reasons[0][..Math.Min(reasons[0].Length, 40)],
            AllReasons = allReasons[..Math.Min(allReasons.Length, 400)],
            ReasonDetail = data.ReasonDetail is { Length: > 500 } d ? d[..500] : data.ReasonDetail,
            WheatOrderNo = wheatOrderNo,
            DoorSessionId = session?.Id,
            DeviceId = device.Id,
            StoreId = storeId.Value,
            CustomerId = session?.CustomerId,
            SuspectedItems = JsonSerializer.Serialize(suspected, Json),
            SuspectedTotal = new Money(Math.Max(0, data.SuspectedTotalFen)),
            Evidence = data.Evidence is { ValueKind: JsonValueKind.Object } e ? e.GetRawText() : null,
            Status = ExceptionStatus.Pending,
            DetectedAt = (data.DetectedAt ?? occurredAt)?.UtcDateTime ?? now,
            CreatedAt = now,
            UpdatedAt = now,
        });
        // A parallel processing of the same exception fails here on the unique index and is retried: its next attempt finds the case.
        await db.SaveChangesAsync(ct);
        logger.LogWarning("Exception order {WheatOrderNo} from the vendor queued for review: {Reasons}", wheatOrderNo, allReasons);
        return null;
    }

    /// <summary>An order of ours that needs a person: held (not charged), or charged with a vendor price far from ours.</summary>
    public async Task InterceptAsync(Order order, string reason, string? detail, CancellationToken ct)
    {
        if (await db.ExceptionOrders.AnyAsync(x => x.OrderId == order.Id, ct))
            return;
        var now = clock.GetUtcNow().UtcDateTime;
        db.ExceptionOrders.Add(new ExceptionOrder
        {
            CaseNo = BusinessNumbers.New("YC", now),
            Source = ExceptionSource.Interception,
            Reason = reason,
            AllReasons = reason,
            ReasonDetail = detail,
            WheatOrderNo = order.WheatOrderNo,
            DoorSessionId = order.DoorSessionId,
            OrderId = order.Id,
            DeviceId = order.DeviceId,
            StoreId = order.StoreId,
            CustomerId = order.UserId,
            SuspectedTotal = order.TotalAmount,
            Status = ExceptionStatus.Pending,
            DetectedAt = now,
            CreatedAt = now,
            UpdatedAt = now,
        });
        await db.SaveChangesAsync(ct);
    }
}

/// <summary>A line the cameras suspected, as the review screen shows it.</summary>
public sealed record SuspectedItem(int LineNo, string SkuCode, string Name, int Quantity, long UnitPriceFen, decimal? Confidence);
