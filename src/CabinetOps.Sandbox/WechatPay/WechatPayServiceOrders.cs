using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace CabinetOps.Sandbox.WechatPay;

/// <summary>A Pay Score service order as WeChat keeps it (payscore.md §4–5).</summary>
public sealed class SimulatedServiceOrder
{
    public required string OutOrderNo { get; init; }
    public required string OrderId { get; init; }
    public required string OpenId { get; init; }
    public required string CreateBody { get; init; }
    public required long RiskAmount { get; init; }
    public string State { get; set; } = "DOING";
    public string? NotifyUrl { get; init; }
    public string? StateDescription { get; set; } = "USER_CONFIRM";
}

public sealed partial class WechatPaySimulator
{
    /// <summary>The service id's risk-amount cap (先享 smart retail), in fen.</summary>
    public const long RiskCapFen = 100_000;

    private readonly ConcurrentDictionary<string, SimulatedServiceOrder> _orders = new(StringComparer.Ordinal);

    /// <summary>Fault: the next create answers <c>CREATED</c> although 免确认 was asked (what an ungranted merchant gets).</summary>
    public bool NextCreateNotInForce { get; set; }

    public SimulatedServiceOrder? Order(string outOrderNo) => _orders.GetValueOrDefault(outOrderNo);

    /// <summary>§4.2 with 原参重入: the same body again returns the order; a changed one is refused.</summary>
    public (int Status, JsonObject Body) CreateOrder(string body)
    {
        var json = JsonNode.Parse(body)!;
        var outOrderNo = json["out_order_no"]?.GetValue<string>();
        var openId = json["openid"]?.GetValue<string>();
        var amount = json["risk_fund"]?["amount"]?.GetValue<long>() ?? -1;
        if (json["appid"]?.GetValue<string>() != Options.AppId || json["service_id"]?.GetValue<string>() != Options.ServiceId || outOrderNo is not { Length: > 0 and <= 32 }
            || openId is null || json["risk_fund"]?["name"]?.GetValue<string>() != "ESTIMATE_ORDER_COST" || amount < 0 || json["time_range"]?["start_time"] is null)
            return (400, Error("PARAM_ERROR", "参数错误"));
        if (_orders.TryGetValue(outOrderNo, out var known))
            return known.CreateBody == body ? (200, OrderJson(known)) : (400, Error("PARAM_ERROR", "订单重入参数校验失败"));
        if (amount > RiskCapFen)
            return (400, Error("INVALID_REQUEST", "超过服务风险金额"));
        // 需确认 (flag omitted or true): the order waits for the customer on WeChat's page, no authorisation needed.
        var confirmMode = json["need_user_confirm"]?.GetValue<bool>() != false;
        if (!confirmMode && User(openId).State != "AVAILABLE")
            return (400, Error("INVALID_REQUEST", "用户未授权服务"));
        var order = new SimulatedServiceOrder
        {
            OutOrderNo = outOrderNo, OrderId = "100000" + DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + Random.Shared.Next(1000, 9999), OpenId = openId,
            CreateBody = body, RiskAmount = amount, NotifyUrl = json["notify_url"]?.GetValue<string>(),
        };
        if (NextCreateNotInForce || confirmMode)
        {
            NextCreateNotInForce = false;
            order.State = "CREATED";
            order.StateDescription = null;
        }

        _orders[outOrderNo] = order;
        return (200, OrderJson(order));
    }

    public (int Status, JsonObject Body) CancelOrder(string outOrderNo)
    {
        if (!_orders.TryGetValue(outOrderNo, out var order))
            return (404, Error("ORDER_NOT_EXIST", "订单不存在"));
        if (order.State is "CREATED" or "DOING" && order.StateDescription is null or "USER_CONFIRM" || order.State == "REVOKED")
        {
            order.State = "REVOKED";
            order.StateDescription = null;
            return (200, new JsonObject { ["appid"] = Options.AppId, ["mchid"] = Options.MchId, ["out_order_no"] = outOrderNo, ["service_id"] = Options.ServiceId, ["order_id"] = order.OrderId });
        }

        return (400, Error("PARAM_ERROR", "当前订单状态不满足撤销条件"));
    }

    /// <summary>The customer confirms a 需确认 order on WeChat's page: DOING, and PAYSCORE.USER_CONFIRM to the order's notify URL.</summary>
    public bool Confirm(string outOrderNo)
    {
        if (!_orders.TryGetValue(outOrderNo, out var order) || order.State != "CREATED")
            return false;
        order.State = "DOING";
        order.StateDescription = "USER_CONFIRM";
        if (order.NotifyUrl is { } url)
            Notify(url, "PAYSCORE.USER_CONFIRM", "用户确认订单", OrderJson(order).ToJsonString(), _clock.GetUtcNow());
        return true;
    }

    public JsonObject OrderJson(SimulatedServiceOrder o) => new()
    {
        ["appid"] = Options.AppId,
        ["mchid"] = Options.MchId,
        ["service_id"] = Options.ServiceId,
        ["out_order_no"] = o.OutOrderNo,
        ["order_id"] = o.OrderId,
        ["openid"] = o.OpenId,
        ["state"] = o.State,
        ["state_description"] = o.StateDescription,
        ["risk_fund"] = new JsonObject { ["name"] = "ESTIMATE_ORDER_COST", ["amount"] = o.RiskAmount },
        ["package"] = "sandbox-package-" + o.OrderId,
    };

    private static JsonObject Error(string code, string message) => new() { ["code"] = code, ["message"] = message };
}
