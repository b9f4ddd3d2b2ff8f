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
public sealed record CancelPayScoreOrder(long SessionId, string Reason = "未开门，撤销订单") : IExternalWork
{
    public string Describe() => $"撤销开门会话 {SessionId} 的微信支付分订单";
}

/// <summary>
/// The Pay Score service order of a door session (payscore.md §4, 免确认): created with the
/// store's risk ceiling as its estimate before the door opens; the door opens only when WeChat
/// answers that it is in force (<c>DOING</c>). Our <c>out_order_no</c> is the session number, and
/// the create body is stored before the call so a retry resends it unchanged.
/// </summary>
public sealed class PayScoreServiceOrders(CabinetOpsDbContext db, WechatPayClient wechatPay, DoorSessionMoves moves, DoorOpener opener, StoreDefaults defaults,
    WorkQueue queue, IOptions<WechatPayOptions> options, IOptions<DoorSessionOptions> sessionOptions, TimeProvider clock, ILogger<PayScoreServiceOrders> logger)
    : IWechatPayEventProcessor
{
    public PayScoreMode Mode => options.Value.PayScoreMode;

    public IReadOnlyCollection<string> EventTypes { get; } = ["PAYSCORE.USER_CONFIRM"];
    /// <summary>
    /// True when the order is in force and the door may open now. False when the session failed
    /// with the reason — or, in 需确认 mode, waits (still created) for the customer to confirm on
    /// WeChat's page; the door then opens on <c>PAYSCORE.USER_CONFIRM</c> or the confirmed query.
    /// </summary>
    public async Task<bool> PutInForceAsync(DoorSession session, Device device, CancellationToken ct)
    {
        var customer = await db.Customers.AsNoTracking().SingleAsync(c => c.Id == session.CustomerId, ct);
        var store = await db.Stores.AsNoTracking().SingleAsync(s => s.Id == session.StoreId, ct);
        var ceiling = StoreDefaults.Effective(store, await defaults.GetAsync(ct)).PayScoreRiskCeiling;
        var json = CreateBody(options.Value, session.SessionNo, "智能柜购物", clock.GetUtcNow().UtcDateTime, ceiling, "智能柜购物预估金额", customer.OpenId, device.DeviceCode,
            Mode == PayScoreMode.NoConfirm);
        await db.DoorSessions.Where(s => s.Id == session.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.PayScoreRequest, json), ct);
        // If this process stops before the answer is applied, this check expires the session (and cancels the order);
        // in 需确认 mode it is also the confirmation deadline.
        await queue.EnqueueAsync(new CheckDoorSession(session.Id), ct, sessionOptions.Value.PayScoreConfirmTimeout);

        var answer = await wechatPay.CreateServiceOrderAsync(json, ct);
        if (Mode == PayScoreMode.Confirm && answer.Ok && answer.Data is { State: "CREATED", Package.Length: > 0 } created)
        {
            await db.DoorSessions.Where(s => s.Id == session.Id).ExecuteUpdateAsync(u => u
                .SetProperty(s => s.PayScoreOrderId, created.OrderId)
                .SetProperty(s => s.PayScoreOrderState, created.State)
                .SetProperty(s => s.PayScorePackage, created.Package), ct);
            // Not confirmed in time: the check scheduled when the session was created expires it and cancels the order.
            return false;
        }

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
        // Only a definite refusal (4xx) proves WeChat holds no order; after anything else (an order
        // not in force, no answer, a 5xx, an answer that does not verify) cancel whatever it may hold.
        if (answer.Status is not (>= 400 and < 500))
            await queue.EnqueueAsync(new CancelPayScoreOrder(session.Id), ct);

        return false;
    }

    /// <summary>
    /// §4.2 create body: the service starts a minute before <paramref name="startUtc"/> (WeChat warns about
    /// clock differences), estimated at <paramref name="estimate"/>. 免确认 must say so explicitly: an
    /// omitted flag comes back CREATED.
    /// </summary>
    public static string CreateBody(WechatPayOptions o, string outOrderNo, string introduction, DateTime startUtc, Money estimate, string estimateDescription,
        string openId, string deviceCode, bool noConfirm)
    {
        var body = new JsonObject
        {
            ["out_order_no"] = outOrderNo,
            ["appid"] = o.AppId,
            ["service_id"] = o.ServiceId,
            ["service_introduction"] = introduction,
            ["time_range"] = new JsonObject { ["start_time"] = ShanghaiTime.FromUtc(startUtc.AddSeconds(-60)).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) },
            ["risk_fund"] = new JsonObject { ["name"] = "ESTIMATE_ORDER_COST", ["amount"] = estimate.Fen, ["description"] = estimateDescription },
            ["notify_url"] = o.NotifyUrl,
            ["openid"] = openId,
            ["device"] = new JsonObject { ["start_device_id"] = deviceCode },
        };
        if (noConfirm)
            body["need_user_confirm"] = false;
        return body.ToJsonString();
    }

    /// <summary>
    /// 需确认: the page the mini-program opens with <c>wx.openBusinessView</c> (payscore.md §7.3),
    /// signed with the APIv2 key over mch_id, nonce_str, package, sign_type and timestamp.
    /// </summary>
    public WechatPayPage ConfirmationPage(string package) => SignedPage("wxpayScoreUse", new() { ["package"] = package });

    /// <summary>
    /// The Pay Score order's own page (payscore.md §7.2), where the customer pays an order WeChat is
    /// still deducting: the money moves inside Pay Score, so it cannot be collected twice.
    /// </summary>
    public WechatPayPage DetailPage(string outOrderNo) =>
        SignedPage("wxpayScoreDetail", new() { ["service_id"] = options.Value.ServiceId, ["out_order_no"] = outOrderNo });

    /// <summary>The page's fields plus mch_id, timestamp, nonce and sign type, signed with the APIv2 key (§7.2).</summary>
    private WechatPayPage SignedPage(string businessType, Dictionary<string, string> fields)
    {
        var o = options.Value;
        fields["mch_id"] = o.MchId;
        fields["timestamp"] = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        fields["nonce_str"] = WechatPaySignature.NewNonce();
        fields["sign_type"] = "HMAC-SHA256";
        fields["sign"] = WechatPaySignature.SignV2(fields, o.ApiV2Key ?? "");
        return new WechatPayPage(businessType, fields);
    }

    /// <summary><c>PAYSCORE.USER_CONFIRM</c>: the customer confirmed on WeChat's page; the door opens.</summary>
    public async Task<string?> ProcessAsync(string eventType, System.Text.Json.JsonElement resource, CancellationToken ct)
    {
        var outOrderNo = resource.TryGetProperty("out_order_no", out var n) ? n.GetString() : null;
        var sessionId = await db.DoorSessions.Where(s => s.SessionNo == outOrderNo).Select(s => (long?)s.Id).FirstOrDefaultAsync(ct);
        if (sessionId is null)
            return $"未知的支付分订单 {outOrderNo}";
        var state = resource.TryGetProperty("state", out var st) ? st.GetString() : null;
        await ApplyConfirmationAsync(sessionId.Value, state, ct);
        return null;
    }

    /// <summary>The customer is back from WeChat's page (or the deadline check runs): a query decides.</summary>
    public async Task ConfirmAsync(long sessionId, CancellationToken ct)
    {
        var session = await db.DoorSessions.AsNoTracking().SingleAsync(s => s.Id == sessionId, ct);
        if (session.Status != DoorSessionStatus.Created || session.PayScorePackage is null)
            return;
        var answer = await wechatPay.QueryServiceOrderAsync(session.SessionNo, ct);
        if (answer.Ok)
            await ApplyConfirmationAsync(sessionId, answer.Data?.State, ct);
    }

    /// <summary>Opens the door once the order is in force; a first confirmation wins, repeats change nothing.</summary>
    private async Task ApplyConfirmationAsync(long sessionId, string? state, CancellationToken ct)
    {
        if (state != "DOING")
            return;
        var confirmed = await db.DoorSessions.Where(s => s.Id == sessionId && s.Status == DoorSessionStatus.Created && s.PayScoreOrderState == "CREATED")
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.PayScoreOrderState, "DOING"), ct);
        if (confirmed == 1 && !await opener.SendOpenAsync(sessionId, ct))
            await queue.EnqueueAsync(new ResendDoorOpen(sessionId), ct);
    }

    /// <summary>Cancels the session's order; an order WeChat never made, or already cancelled, is done.</summary>
    public async Task CancelAsync(long sessionId, string reason, CancellationToken ct)
    {
        var session = await db.DoorSessions.AsNoTracking().SingleAsync(s => s.Id == sessionId, ct);
        if (!session.MayHoldPayScoreOrder)
            return;
        var answer = await wechatPay.CancelServiceOrderAsync(session.SessionNo, reason, ct);
        if (answer.Retryable)
            throw new InvalidOperationException($"撤销微信支付分订单 {session.SessionNo} 失败：{answer.ErrorCode} {answer.Message}");
        if (!answer.Ok && answer.ErrorCode != "ORDER_NOT_EXIST")
        {
            // Refused for its state (e.g. already completed): nothing of ours to cancel; the order flow owns it now.
            logger.LogWarning("Cancel of Pay Score order {OutOrderNo} refused: {Code} {Message}", session.SessionNo, answer.ErrorCode, answer.Message);
            return;
        }

        await db.DoorSessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(u => u.SetProperty(s => s.PayScoreOrderState, "REVOKED"), ct);
    }
}

public static class CancelPayScoreOrderHandler
{
    public static Task Handle(CancelPayScoreOrder message, PayScoreServiceOrders orders, CancellationToken ct) => orders.CancelAsync(message.SessionId, message.Reason, ct);
}
