using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;

namespace CabinetOps.Sandbox.WechatPay;

/// <summary>A JSAPI order as WeChat keeps it (jsapi-refund-bill.md §1).</summary>
public sealed class SimulatedTransaction
{
    public required string OutTradeNo { get; init; }
    public required string Body { get; init; }
    public required string OpenId { get; init; }
    public required long Total { get; init; }
    public required string NotifyUrl { get; init; }
    public string? Attach { get; init; }
    public DateTimeOffset? TimeExpire { get; init; }
    /// <summary><c>NOTPAY</c>, <c>SUCCESS</c>, <c>CLOSED</c>, <c>REFUND</c>.</summary>
    public string TradeState { get; set; } = "NOTPAY";
    /// <summary>Every prepay id handed out for this order (each stays valid, as WeChat's do for 2 hours).</summary>
    public ConcurrentBag<string> PrepayIds { get; } = [];
    public string? TransactionId { get; set; }
    public DateTimeOffset? SuccessTime { get; set; }
}

/// <summary>A refund as WeChat keeps it (§2).</summary>
public sealed class SimulatedRefund
{
    public required string OutRefundNo { get; init; }
    public required string RefundId { get; init; }
    public required string Body { get; init; }
    public required string PaymentKey { get; init; }
    public required string? OutTradeNo { get; init; }
    public required string TransactionId { get; init; }
    public required long Refund { get; init; }
    public required long Total { get; init; }
    public string? NotifyUrl { get; init; }
    public string Status { get; set; } = "PROCESSING";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? SuccessTime { get; set; }
}

public sealed partial class WechatPaySimulator
{
    private readonly ConcurrentDictionary<string, SimulatedTransaction> _transactions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SimulatedRefund> _refunds = new(StringComparer.Ordinal);

    public SimulatedTransaction? Transaction(string outTradeNo) => _transactions.GetValueOrDefault(outTradeNo);

    public SimulatedTransaction? TransactionByPrepayId(string prepayId) => _transactions.Values.FirstOrDefault(t => t.PrepayIds.Contains(prepayId));

    /// <summary>
    /// §1.1 with its idempotency: the same out_trade_no and identical parameters → a fresh prepay id;
    /// changed parameters → OUT_TRADE_NO_USED; paid → ORDERPAID; closed → ORDER_CLOSED.
    /// </summary>
    public (int Status, JsonObject Body) CreateJsapi(string body)
    {
        JsonNode? json;
        try
        {
            json = JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
            return (400, Error("PARAM_ERROR", "请求体不是合法的 JSON"));
        }

        var outTradeNo = json?["out_trade_no"]?.GetValue<string>();
        var openId = json?["payer"]?["openid"]?.GetValue<string>();
        var total = json?["amount"]?["total"]?.GetValue<long>();
        var notify = json?["notify_url"]?.GetValue<string>();
        var description = json?["description"]?.GetValue<string>();
        if (json?["appid"]?.GetValue<string>() != Options.AppId || json["mchid"]?.GetValue<string>() != Options.MchId)
            return (400, Error("APPID_MCHID_NOT_MATCH", "appid和mch_id不匹配"));
        if (outTradeNo is not { Length: >= 6 and <= 32 } || !outTradeNo.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '*')
            || openId is null || total is not > 0 || notify is null || description is not { Length: > 0 and <= 127 })
            return (400, Error("PARAM_ERROR", "参数错误"));
        DateTimeOffset? expire = null;
        if (json["time_expire"]?.GetValue<string>() is { } te)
        {
            if (!DateTimeOffset.TryParseExact(te, "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
                return (400, Error("PARAM_ERROR", "time_expire 格式错误"));
            expire = parsed;
        }

        var created = new SimulatedTransaction
        {
            OutTradeNo = outTradeNo, Body = body, OpenId = openId, Total = total.Value, NotifyUrl = notify, Attach = json["attach"]?.GetValue<string>(), TimeExpire = expire,
        };
        var order = _transactions.GetOrAdd(outTradeNo, created);
        lock (order)
        {
            if (order.Body != body)
                return (403, Error("OUT_TRADE_NO_USED", "商户订单号重复"));
            if (order.TradeState is "SUCCESS" or "REFUND")
                return (400, Error("ORDERPAID", "订单已支付"));
            if (order.TradeState == "CLOSED" || order.TimeExpire < _clock.GetUtcNow())
                return (400, Error("ORDER_CLOSED", "订单已关闭"));
            var prepayId = "wx" + _clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).ToString("ddHHmmss", CultureInfo.InvariantCulture)
                + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();
            order.PrepayIds.Add(prepayId);
            return (200, new JsonObject { ["prepay_id"] = prepayId });
        }
    }

    /// <summary>§1.4: close an unpaid order; a paid one cannot be closed.</summary>
    public (int Status, JsonObject? Body) CloseTransaction(string outTradeNo, string body)
    {
        if (!_transactions.TryGetValue(outTradeNo, out var order))
            return (404, Error("ORDER_NOT_EXIST", "订单不存在"));
        if (JsonNode.Parse(body)?["mchid"]?.GetValue<string>() != Options.MchId)
            return (400, Error("PARAM_ERROR", "mchid 有误"));
        lock (order)
        {
            if (order.TradeState is "SUCCESS" or "REFUND")
                return (400, Error("ORDERPAID", "订单已支付"));
            order.TradeState = "CLOSED";
        }

        return (204, null);
    }

    /// <summary>
    /// The customer pays in WeChat (what <c>wx.requestPayment</c> does): SUCCESS, a ledger entry and
    /// <c>TRANSACTION.SUCCESS</c>. False when the order cannot be paid (closed, expired, paid).
    /// </summary>
    public bool PayTransaction(SimulatedTransaction order)
    {
        var now = _clock.GetUtcNow();
        lock (order)
        {
            if (order.TradeState != "NOTPAY" || order.TimeExpire < now)
                return false;
            order.TradeState = "SUCCESS";
            order.TransactionId = NewTransactionId(now);
            order.SuccessTime = now;
            _ledger.Enqueue(new LedgerEntry(order.OutTradeNo, "JSAPI", order.Total, order.TransactionId, now));
        }

        Notify(order.NotifyUrl, "TRANSACTION.SUCCESS", "支付成功", TransactionJson(order).ToJsonString(), now, "transaction");
        return true;
    }

    public JsonObject TransactionJson(SimulatedTransaction t) => new()
    {
        ["appid"] = Options.AppId,
        ["mchid"] = Options.MchId,
        ["out_trade_no"] = t.OutTradeNo,
        ["transaction_id"] = t.TransactionId,
        ["trade_type"] = "JSAPI",
        ["trade_state"] = t.TradeState,
        ["trade_state_desc"] = t.TradeState switch { "SUCCESS" => "支付成功", "CLOSED" => "已关闭", "REFUND" => "转入退款", _ => "未支付" },
        ["bank_type"] = t.TransactionId is null ? null : "OTHERS",
        ["attach"] = t.Attach,
        ["success_time"] = t.SuccessTime?.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
        ["payer"] = new JsonObject { ["openid"] = t.OpenId },
        ["amount"] = new JsonObject { ["total"] = t.Total, ["payer_total"] = t.TransactionId is null ? null : t.Total, ["currency"] = "CNY", ["payer_currency"] = "CNY" },
    };

    /// <summary>
    /// §2.1: refunds of a JSAPI payment (by out_trade_no or transaction id) or a Pay Score deduction
    /// (by transaction id only — its out_order_no is not a trade number). The same out_refund_no is
    /// the same refund; Σ refunds ≤ the payment; PROCESSING, then SUCCESS after the deduction delay.
    /// </summary>
    public (int Status, JsonObject Body) CreateRefund(string body)
    {
        var json = JsonNode.Parse(body);
        var outRefundNo = json?["out_refund_no"]?.GetValue<string>();
        var refund = json?["amount"]?["refund"]?.GetValue<long>();
        var total = json?["amount"]?["total"]?.GetValue<long>();
        var notify = json?["notify_url"]?.GetValue<string>();
        if (outRefundNo is not { Length: > 0 and <= 64 } || refund is not > 0 || total is not > 0)
            return (400, Error("PARAM_ERROR", "参数错误"));
        if (_refunds.TryGetValue(outRefundNo, out var known))
            return known.Body == body ? (200, RefundJson(known)) : (400, Error("INVALID_REQUEST", "同一退款单号的参数不一致"));
        var payment = FindPayment(json!["out_trade_no"]?.GetValue<string>(), json["transaction_id"]?.GetValue<string>());
        if (payment is null)
            return (404, Error("RESOURCE_NOT_EXISTS", "订单不存在"));
        lock (_refunds)
        {
            if (total != payment.Value.Amount)
                return (400, Error("INVALID_REQUEST", "订单金额与原订单不符"));
            var refunded = _refunds.Values.Where(r => r.PaymentKey == payment.Value.Key && r.Status != "CLOSED").Sum(r => r.Refund);
            if (refunded + refund > payment.Value.Amount)
                return (400, Error("INVALID_REQUEST", "退款金额超过订单可退金额"));
            known = new SimulatedRefund
            {
                OutRefundNo = outRefundNo, RefundId = "50" + NewTransactionId(_clock.GetUtcNow())[2..], Body = body, PaymentKey = payment.Value.Key,
                OutTradeNo = payment.Value.OutTradeNo, TransactionId = payment.Value.TransactionId, Refund = refund.Value, Total = total.Value, NotifyUrl = notify,
                CreatedAt = _clock.GetUtcNow(),
            };
            _refunds[outRefundNo] = known;
        }

        if (Transaction(payment.Value.Key) is { } t)
            t.TradeState = "REFUND";
        _ = Task.Run(() => SettleRefundAsync(known));
        return (200, RefundJson(known));
    }

    public SimulatedRefund? RefundByNo(string outRefundNo) => _refunds.GetValueOrDefault(outRefundNo);

    /// <summary>A payment WeChat took: a JSAPI transaction (by out_trade_no or id) or a Pay Score deduction (by id).</summary>
    private (string Key, string? OutTradeNo, string TransactionId, long Amount)? FindPayment(string? outTradeNo, string? transactionId)
    {
        var jsapi = outTradeNo is not null ? Transaction(outTradeNo) : _transactions.Values.FirstOrDefault(t => t.TransactionId == transactionId && transactionId is not null);
        if (jsapi is { TransactionId: { } id })
            return (jsapi.OutTradeNo, jsapi.OutTradeNo, id, jsapi.Total);
        var deduction = transactionId is null ? null : _orders.Values.FirstOrDefault(o => o.TransactionId == transactionId && o.PaidType == "NEWTON");
        return deduction is null ? null : (deduction.TransactionId!, null, deduction.TransactionId!, deduction.TotalAmount!.Value);
    }

    private async Task SettleRefundAsync(SimulatedRefund refund)
    {
        await Task.Delay(Options.DeductionDelay, _clock);
        var now = _clock.GetUtcNow();
        refund.Status = "SUCCESS";
        refund.SuccessTime = now;
        _ledger.Enqueue(new LedgerEntry(refund.OutTradeNo ?? refund.TransactionId, "REFUND", -refund.Refund, refund.RefundId, now));
        if (refund.NotifyUrl is { } url)
        {
            var resource = RefundJson(refund);
            resource["refund_status"] = resource["status"]!.GetValue<string>();
            resource.Remove("status");
            Notify(url, "REFUND.SUCCESS", "退款成功", resource.ToJsonString(), now, "refund");
        }
    }

    public JsonObject RefundJson(SimulatedRefund r) => new()
    {
        ["mchid"] = Options.MchId,
        ["refund_id"] = r.RefundId,
        ["out_refund_no"] = r.OutRefundNo,
        ["transaction_id"] = r.TransactionId,
        ["out_trade_no"] = r.OutTradeNo,
        ["channel"] = "ORIGINAL",
        ["user_received_account"] = "支付用户零钱",
        ["status"] = r.Status,
        ["create_time"] = r.CreatedAt.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
        ["success_time"] = r.SuccessTime?.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
        ["amount"] = new JsonObject { ["total"] = r.Total, ["refund"] = r.Refund, ["payer_total"] = r.Total, ["payer_refund"] = r.Refund, ["currency"] = "CNY" },
    };
}
