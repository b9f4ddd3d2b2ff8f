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

    /// <summary>The accepted complete body (原参重入: only the identical body is accepted again) and its amount.</summary>
    public string? CompleteBody { get; set; }
    public long? TotalAmount { get; set; }
    /// <summary><c>USER_PAYING</c> while WeChat deducts, <c>USER_PAID</c> once collected; null before a non-zero complete.</summary>
    public string? CollectionState { get; set; }
    public string? TransactionId { get; set; }
    /// <summary><c>NEWTON</c> collected by Pay Score, <c>MCH</c> reported paid by the merchant (sync).</summary>
    public string? PaidType { get; set; }
    public DateTimeOffset? PaidAt { get; set; }
}

/// <summary>Money WeChat moved for a merchant: what the tests compare with our books, to the fen.</summary>
public sealed record LedgerEntry(string OutTradeNo, string Kind, long AmountFen, string TransactionId, DateTimeOffset At);

public sealed partial class WechatPaySimulator
{
    /// <summary>The service id's risk-amount cap (先享 smart retail), in fen.</summary>
    public const long RiskCapFen = 100_000;

    private readonly ConcurrentDictionary<string, SimulatedServiceOrder> _orders = new(StringComparer.Ordinal);

    /// <summary>Fault: the next create answers <c>CREATED</c> although 免确认 was asked (what an ungranted merchant gets).</summary>
    public bool NextCreateNotInForce { get; set; }

    public SimulatedServiceOrder? Order(string outOrderNo) => _orders.GetValueOrDefault(outOrderNo);

    private readonly ConcurrentQueue<LedgerEntry> _ledger = new();

    public IReadOnlyList<LedgerEntry> Ledger => _ledger.ToList();

    /// <summary>Fault: deductions fail (the customer's balance is short) and keep failing until switched off; the order stays USER_PAYING.</summary>
    public bool DeductionsFail { get; set; }

    /// <summary>
    /// §4.5: complete with the real amount. Zero → DONE at once; otherwise MCH_COMPLETE / USER_PAYING and
    /// WeChat deducts after <c>DeductionDelay</c>, then DONE / USER_PAID and <c>PAYSCORE.USER_PAID</c>.
    /// Only the identical body is accepted again; an order not in service is refused.
    /// </summary>
    public (int Status, JsonObject Body) CompleteOrder(string outOrderNo, string body)
    {
        if (!_orders.TryGetValue(outOrderNo, out var order))
            return (404, Error("ORDER_NOT_EXIST", "订单不存在"));
        JsonNode? json;
        try
        {
            json = JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
            return (400, Error("PARAM_ERROR", "请求体不是合法的 JSON"));
        }

        lock (order)
        {
            if (order.CompleteBody is not null)
                return order.CompleteBody == body ? (200, OrderJson(order)) : (400, Error("INVALID_REQUEST", "订单已完结，参数与原请求不一致"));
            if (order.State != "DOING" || order.StateDescription != "USER_CONFIRM")
                return (400, Error("INVALID_REQUEST", "当前订单状态不合法"));
            var total = json?["total_amount"]?.GetValue<long>();
            var lines = json?["post_payments"]?.AsArray();
            if (total is not { } amount || amount < 0 || lines is null || lines.Count == 0 || json?["service_id"]?.GetValue<string>() != Options.ServiceId)
                return (400, Error("PARAM_ERROR", "参数错误"));
            if (lines.Sum(l => l?["amount"]?.GetValue<long>() ?? 0) != amount)
                return (400, Error("PARAM_ERROR", "最终总金额计算非法"));
            if (amount > RiskCapFen)
                return (400, Error("INVALID_REQUEST", "订单金额超过服务风险金额上限"));
            order.CompleteBody = body;
            order.TotalAmount = amount;
            if (amount == 0)
            {
                order.State = "DONE";
                order.StateDescription = null;
                return (200, OrderJson(order));
            }

            order.StateDescription = "MCH_COMPLETE";
            order.CollectionState = "USER_PAYING";
        }

        _ = Task.Run(() => DeductAsync(order));
        return (200, OrderJson(order));
    }

    /// <summary>WeChat's automatic deduction; while the fault is on it keeps failing and tries again, as WeChat does.</summary>
    private async Task DeductAsync(SimulatedServiceOrder order)
    {
        while (true)
        {
            await Task.Delay(Options.DeductionDelay, _clock);
            if (DeductionsFail)
                continue;
            Collect(order);
            return;
        }
    }

    /// <summary>
    /// Pay Score takes the money of an order it is deducting (automatic deduction, or the customer
    /// paying on the Pay Score order page): DONE / USER_PAID, a ledger entry, <c>PAYSCORE.USER_PAID</c>.
    /// False when there is nothing to collect (not completed, paid, or synced as paid elsewhere).
    /// </summary>
    public bool Collect(SimulatedServiceOrder order)
    {
        var now = _clock.GetUtcNow();
        lock (order)
        {
            if (order.CollectionState != "USER_PAYING")
                return false;
            order.State = "DONE";
            order.StateDescription = null;
            order.CollectionState = "USER_PAID";
            order.PaidType = "NEWTON";
            order.TransactionId = NewTransactionId(now);
            order.PaidAt = now;
            _ledger.Enqueue(new LedgerEntry(order.OutOrderNo, "PAYSCORE", order.TotalAmount!.Value, order.TransactionId, now));
        }

        if (order.NotifyUrl is { } url)
            Notify(url, "PAYSCORE.USER_PAID", "用户支付成功", OrderJson(order).ToJsonString(), now);
        return true;
    }

    /// <summary>
    /// §4.7 sync <c>Order_Paid</c>: the merchant collected elsewhere; WeChat stops deducting (DONE, an
    /// <c>MCH</c> entry, no money, no notification). Already collected by Pay Score → ORDER_DONE.
    /// </summary>
    public (int Status, JsonObject Body) SyncOrder(string outOrderNo, string body)
    {
        if (!_orders.TryGetValue(outOrderNo, out var order))
            return (404, Error("ORDER_NOT_EXIST", "订单不存在"));
        var json = JsonNode.Parse(body);
        var paidTime = json?["detail"]?["paid_time"]?.GetValue<string>();
        if (json?["type"]?.GetValue<string>() != "Order_Paid" || json["service_id"]?.GetValue<string>() != Options.ServiceId || paidTime is not { Length: 8 or 14 })
            return (400, Error("PARAM_ERROR", "参数错误"));
        lock (order)
        {
            if (order.CollectionState == "USER_PAID")
                return order.PaidType == "MCH" ? (200, OrderJson(order)) : (400, Error("ORDER_DONE", "订单已完成"));
            if (order.State != "DOING" || order.CollectionState != "USER_PAYING")
                return (400, Error("INVALID_REQUEST", "当前订单状态不合法"));
            order.State = "DONE";
            order.StateDescription = null;
            order.CollectionState = "USER_PAID";
            order.PaidType = "MCH";
            order.PaidAt = _clock.GetUtcNow();
        }

        return (200, OrderJson(order));
    }

    private static string NewTransactionId(DateTimeOffset now) =>
        "4200" + now.ToOffset(TimeSpan.FromHours(8)).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture)
        + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

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
        ["total_amount"] = o.TotalAmount,
        ["need_collection"] = o.TotalAmount is > 0,
        ["collection"] = o.CollectionState is null ? null : new JsonObject
        {
            ["state"] = o.CollectionState,
            ["total_amount"] = o.TotalAmount,
            ["paying_amount"] = o.CollectionState == "USER_PAID" ? 0 : o.TotalAmount,
            ["paid_amount"] = o.CollectionState == "USER_PAID" ? o.TotalAmount : 0,
            ["details"] = o.PaidAt is null ? new JsonArray() : new JsonArray(new JsonObject
            {
                ["seq"] = 1, ["amount"] = o.TotalAmount, ["paid_type"] = o.PaidType,
                ["paid_time"] = o.PaidAt!.Value.ToOffset(TimeSpan.FromHours(8)).ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture),
                ["transaction_id"] = o.TransactionId,
            }),
        },
    };

    private static JsonObject Error(string code, string message) => new() { ["code"] = code, ["message"] = message };
}
