using System.Globalization;
using System.Text.Json.Nodes;
using CabinetOps.Server.Features.Devices;
using CabinetOps.Server.Features.Stores;
using CabinetOps.Server.Infrastructure.Messaging;
using CabinetOps.Server.Infrastructure.Persistence;
using CabinetOps.Server.Infrastructure.Time;
using CabinetOps.Server.Integrations.WechatPay;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CabinetOps.Server.Features.DoorSessions;

/// <summary>Durable work: cancel the Pay Score order of a session whose door never opened (re-entrant).</summary>
public sealed record CancelPayScoreOrder(long SessionId) : IExternalWork
{
    public string Describe() => $"撤销开门会话 {SessionId} 的微信支付分订单";
}

/// <summary>
/// The Pay Score service order of a door session (payscore.md §4, 免确认): created with the
/// store's risk ceiling as its estimate before the door opens; the door opens only when WeChat
/// answers that it is in force (<c>DOING</c>). Our <c>out_order_no</c> is the session number, and
/// the create body is stored before the call so a retry resends it unchanged.
/// </summary>
public sealed class PayScoreServiceOrders(CabinetOpsDbContext db, WechatPayClient wechatPay, DoorSessionMoves moves, StoreDefaults defaults, UnitOfWork work,
    IOptions<WechatPayOptions> options, TimeProvider clock, ILogger<PayScoreServiceOrders> logger)
{
    /// <summary>True when the order is in force and the door may open; otherwise the session has failed with the reason.</summary>
    public async Task<bool> PutInForceAsync(DoorSession session, Device device, CancellationToken ct)
    {
        var customer = await db.Customers.AsNoTracking().SingleAsync(c => c.Id == session.CustomerId, ct);
        var store = await db.Stores.AsNoTracking().SingleAsync(s => s.Id == session.StoreId, ct);
        var ceiling = StoreDefaults.Effective(store, await defaults.GetAsync(ct)).PayScoreRiskCeiling;
        var o = options.Value;
        // WeChat warns about clock differences: the service starts a minute before the scan.
        var start = ShanghaiTime.FromUtc(clock.GetUtcNow().UtcDateTime.AddSeconds(-60)).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var body = new JsonObject
        {
            ["out_order_no"] = session.SessionNo,
            ["appid"] = o.AppId,
            ["service_id"] = o.ServiceId,
            ["service_introduction"] = "智能柜购物",
            ["time_range"] = new JsonObject { ["start_time"] = start },
            ["risk_fund"] = new JsonObject { ["name"] = "ESTIMATE_ORDER_COST", ["amount"] = ceiling.Fen, ["description"] = "智能柜购物预估金额" },
            ["notify_url"] = o.NotifyUrl,
            ["openid"] = customer.OpenId,
            ["need_user_confirm"] = false,
            ["device"] = new JsonObject { ["start_device_id"] = device.DeviceCode },
        }.ToJsonString();
        await db.DoorSessions.Where(s => s.Id == session.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.PayScoreRequest, body), ct);

        var answer = await wechatPay.CreateServiceOrderAsync(body, ct);
        if (answer.Ok && answer.Data is { State: "DOING" } order)
        {
            await db.DoorSessions.Where(s => s.Id == session.Id).ExecuteUpdateAsync(u => u
                .SetProperty(s => s.PayScoreOrderId, order.OrderId)
                .SetProperty(s => s.PayScoreOrderState, order.State), ct);
            return true;
        }

        // Not in force (a CREATED answer in 免确认 mode is a failure too), refused, or unknown:
        // no door opens, and whatever WeChat may hold is cancelled by durable work.
        logger.LogWarning("Pay Score order for door session {SessionId} not in force: {State} {Code} {Message}",
            session.Id, answer.Data?.State, answer.ErrorCode, answer.Message);
        var message = answer.ErrorCode is "INVALID_REQUEST" or "NO_AUTH" ? "微信支付分暂不可用，请使用礼票" : "微信支付分暂时无法下单，请稍后重试或使用礼票";
        await moves.MoveAsync(session.Id, DoorSessionStatus.Failed, $"微信支付分订单未生效：{answer.Data?.State ?? answer.ErrorCode}", null, ct,
            "PAYSCORE_NOT_IN_FORCE", message);
        if (answer.Ok || answer.Retryable)
        {
            await work.EnqueueAsync(new CancelPayScoreOrder(session.Id));
            await work.CommitAsync(ct);
        }

        return false;
    }

    /// <summary>Cancels the session's order; an order WeChat never made, or already cancelled, is done.</summary>
    public async Task CancelAsync(long sessionId, CancellationToken ct)
    {
        var session = await db.DoorSessions.AsNoTracking().SingleAsync(s => s.Id == sessionId, ct);
        if (session.PayScoreRequest is null || session.PayScoreOrderState == "REVOKED")
            return;
        var answer = await wechatPay.CancelServiceOrderAsync(session.SessionNo, "未开门，撤销订单", ct);
        if (answer.Retryable)
            throw new InvalidOperationException($"撤销微信支付分订单 {session.SessionNo} 失败：{answer.ErrorCode} {answer.Message}");
        if (!answer.Ok && answer.ErrorCode != "ORDER_NOT_EXIST")
            logger.LogWarning("Cancel of Pay Score order {OutOrderNo} refused: {Code} {Message}", session.SessionNo, answer.ErrorCode, answer.Message);
        await db.DoorSessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(u => u.SetProperty(s => s.PayScoreOrderState, "REVOKED"), ct);
    }
}

public static class CancelPayScoreOrderHandler
{
    public static Task Handle(CancelPayScoreOrder message, PayScoreServiceOrders orders, CancellationToken ct) => orders.CancelAsync(message.SessionId, ct);
}
