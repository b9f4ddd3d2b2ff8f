using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace CabinetOps.Sandbox.WechatPay;

/// <summary>The fake WeChat Pay under <c>/sandbox/wechatpay</c>: the Pay Score permission APIs at <c>/sandbox/wechatpay/v3/…</c> and controls.</summary>
public static class WechatPaySimulatorEndpoints
{
    private const string Name = "微信支付";

    public static IEndpointRouteBuilder MapWechatPaySimulator(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/sandbox/wechatpay/v3").ExcludeFromDescription();
        api.MapGet("/payscore/permissions/openid/{openid}", (string openid, HttpContext http, WechatPaySimulator sim, SandboxJournal journal) =>
            Handle(http, sim, journal, _ =>
            {
                var q = http.Request.Query;
                if (q["service_id"] != sim.Options.ServiceId || q["appid"] != sim.Options.AppId)
                    return (400, new JsonObject { ["code"] = "PARAM_ERROR", ["message"] = "service_id 或 appid 有误" });
                var user = sim.User(openid);
                return (200, new JsonObject
                {
                    ["service_id"] = sim.Options.ServiceId, ["appid"] = sim.Options.AppId, ["mchid"] = sim.Options.MchId, ["openid"] = openid,
                    ["authorization_state"] = user.State, ["authorization_code"] = user.AuthorizationCode,
                });
            }));
        api.MapPost("/payscore/permissions", (HttpContext http, WechatPaySimulator sim, SandboxJournal journal) =>
            Handle(http, sim, journal, body =>
            {
                var json = body.Length == 0 ? null : JsonNode.Parse(body);
                var code = json?["authorization_code"]?.GetValue<string>();
                var notify = json?["notify_url"]?.GetValue<string>();
                if (json?["service_id"]?.GetValue<string>() != sim.Options.ServiceId || code is not { Length: > 0 and <= 32 } || notify is null)
                    return (400, new JsonObject { ["code"] = "PARAM_ERROR", ["message"] = "参数错误" });
                return (200, new JsonObject { ["apply_permissions_token"] = sim.Apply(code, notify) });
            }));

        api.MapPost("/payscore/serviceorder", (HttpContext http, WechatPaySimulator sim, SandboxJournal journal) =>
            Handle(http, sim, journal, body => body.Length == 0 ? (400, new JsonObject { ["code"] = "PARAM_ERROR", ["message"] = "缺少请求体" }) : sim.CreateOrder(body)));
        api.MapGet("/payscore/serviceorder", (HttpContext http, WechatPaySimulator sim, SandboxJournal journal) =>
            Handle(http, sim, journal, _ => sim.Order(http.Request.Query["out_order_no"].ToString()) is { } o
                ? (200, sim.OrderJson(o)) : (404, new JsonObject { ["code"] = "ORDER_NOT_EXIST", ["message"] = "订单不存在" })));
        api.MapPost("/payscore/serviceorder/{outOrderNo}/cancel", (string outOrderNo, HttpContext http, WechatPaySimulator sim, SandboxJournal journal) =>
            Handle(http, sim, journal, _ => sim.CancelOrder(outOrderNo)));
        api.MapPost("/payscore/serviceorder/{outOrderNo}/complete", (string outOrderNo, HttpContext http, WechatPaySimulator sim, SandboxJournal journal) =>
            Handle(http, sim, journal, body => sim.CompleteOrder(outOrderNo, body)));
        api.MapPost("/payscore/serviceorder/{outOrderNo}/sync", (string outOrderNo, HttpContext http, WechatPaySimulator sim, SandboxJournal journal) =>
            Handle(http, sim, journal, body => sim.SyncOrder(outOrderNo, body)));

        api.MapPost("/pay/transactions/jsapi", (HttpContext http, WechatPaySimulator sim, SandboxJournal journal) =>
            Handle(http, sim, journal, sim.CreateJsapi));
        api.MapGet("/pay/transactions/out-trade-no/{outTradeNo}", (string outTradeNo, HttpContext http, WechatPaySimulator sim, SandboxJournal journal) =>
            Handle(http, sim, journal, _ => http.Request.Query["mchid"] != sim.Options.MchId ? (400, Error("PARAM_ERROR", "mchid 有误"))
                : sim.Transaction(outTradeNo) is { } t ? (200, sim.TransactionJson(t)) : (404, Error("ORDER_NOT_EXIST", "订单不存在"))));
        api.MapPost("/pay/transactions/out-trade-no/{outTradeNo}/close", (string outTradeNo, HttpContext http, WechatPaySimulator sim, SandboxJournal journal) =>
            Handle(http, sim, journal, body => sim.CloseTransaction(outTradeNo, body)));
        api.MapPost("/refund/domestic/refunds", (HttpContext http, WechatPaySimulator sim, SandboxJournal journal) =>
            Handle(http, sim, journal, sim.CreateRefund));
        api.MapGet("/refund/domestic/refunds/{outRefundNo}", (string outRefundNo, HttpContext http, WechatPaySimulator sim, SandboxJournal journal) =>
            Handle(http, sim, journal, _ => sim.RefundByNo(outRefundNo) is { } r ? (200, sim.RefundJson(r)) : (404, Error("RESOURCE_NOT_EXISTS", "退款单不存在"))));

        var control = app.MapGroup("/sandbox/wechatpay").ExcludeFromDescription();
        control.MapGet("/orders/{outOrderNo}", (string outOrderNo, WechatPaySimulator sim) =>
            sim.Order(outOrderNo) is { } o ? Results.Json(sim.OrderJson(o)) : Results.Problem(statusCode: 404, title: "没有该支付分订单"));
        control.MapPost("/orders/{outOrderNo}/confirm", (string outOrderNo, WechatPaySimulator sim) =>
            sim.Confirm(outOrderNo) ? Results.Json(sim.OrderJson(sim.Order(outOrderNo)!)) : Results.Problem(statusCode: 409, title: "该订单不在待确认状态"));
        // The customer pays in WeChat: a JSAPI order (by our out_trade_no, or by the prepay id the
        // mini-program holds), or a Pay Score order on its own page.
        control.MapPost("/transactions/{outTradeNo}/pay", (string outTradeNo, WechatPaySimulator sim) => PayJsapi(sim, sim.Transaction(outTradeNo)));
        control.MapPost("/prepay/{prepayId}/pay", (string prepayId, WechatPaySimulator sim) => PayJsapi(sim, sim.TransactionByPrepayId(prepayId)));
        control.MapGet("/transactions/{outTradeNo}", (string outTradeNo, WechatPaySimulator sim) =>
            sim.Transaction(outTradeNo) is { } t ? Results.Json(sim.TransactionJson(t)) : Results.Problem(statusCode: 404, title: "没有该支付订单"));
        control.MapPost("/orders/{outOrderNo}/pay", (string outOrderNo, WechatPaySimulator sim) =>
            sim.Order(outOrderNo) is not { } o ? Results.Problem(statusCode: 404, title: "没有该支付分订单")
            : sim.Collect(o) ? Results.Json(sim.OrderJson(o)) : Results.Problem(statusCode: 409, title: "该支付分订单没有待支付的金额"));
        control.MapPost("/faults", (bool? busy, bool? nextCreateNotInForce, bool? deductionsFail, bool? dropNotifications, double? failureRate, int? failNext, int? loseNext,
            WechatPaySimulator sim) =>
        {
            sim.Failures.Rate = failureRate ?? sim.Failures.Rate;
            sim.Failures.FailNext = failNext ?? sim.Failures.FailNext;
            sim.Failures.LoseNext = loseNext ?? sim.Failures.LoseNext;
            sim.Busy = busy ?? sim.Busy;
            sim.NextCreateNotInForce = nextCreateNotInForce ?? sim.NextCreateNotInForce;
            sim.DeductionsFail = deductionsFail ?? sim.DeductionsFail;
            sim.DropNotifications = dropNotifications ?? sim.DropNotifications;
            return Results.Json(new
            {
                busy = sim.Busy, next_create_not_in_force = sim.NextCreateNotInForce, deductions_fail = sim.DeductionsFail, drop_notifications = sim.DropNotifications,
                failure_rate = sim.Failures.Rate, fail_next = sim.Failures.FailNext, lose_next = sim.Failures.LoseNext,
            });
        });
        // The money WeChat collected, per order: tests compare it with our books to the fen.
        control.MapGet("/ledger", (WechatPaySimulator sim) => Results.Json(sim.Ledger.Select(e => new
        {
            out_trade_no = e.OutTradeNo, kind = e.Kind, amount = e.AmountFen, transaction_id = e.TransactionId, at = e.At,
        })));
        control.MapPost("/users/{openid}/authorize", (string openid, string? token, WechatPaySimulator sim) =>
            sim.Authorize(openid, token) ? Results.Json(new { openid, state = "AVAILABLE" }) : Results.Problem(statusCode: 409, title: "没有有效的授权令牌：请先在小程序中发起开通"));
        control.MapPost("/users/{openid}/revoke", (string openid, WechatPaySimulator sim) =>
            sim.Revoke(openid) ? Results.Json(new { openid, state = "UNAVAILABLE" }) : Results.Problem(statusCode: 409, title: "该用户未授权"));
        control.MapGet("/users/{openid}", (string openid, WechatPaySimulator sim) => Results.Json(sim.User(openid)));
        return app;
    }

    private static IResult PayJsapi(WechatPaySimulator sim, SimulatedTransaction? t) =>
        t is null ? Results.Problem(statusCode: 404, title: "没有该支付订单")
        : sim.PayTransaction(t) ? Results.Json(sim.TransactionJson(t)) : Results.Problem(statusCode: 409, title: "该订单不能支付（已支付、已关闭或已过期）");

    private static JsonObject Error(string code, string message) => new() { ["code"] = code, ["message"] = message };

    /// <summary>Verifies the merchant like WeChat, then answers signed (2xx and errors alike, §9).</summary>
    /// <summary>An answer without a body (204) is signed over the empty string.</summary>
    private static async Task<IResult> Handle(HttpContext http, WechatPaySimulator sim, SandboxJournal journal, Func<string, (int Status, JsonObject? Body)> handle)
    {
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync();
        var target = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? http.Request.Path + http.Request.QueryString;
        (int Status, JsonObject? Body) answer;
        if (!http.Request.Headers.Accept.Any() || !http.Request.Headers.UserAgent.Any())
            answer = (400, new JsonObject { ["code"] = "INVALID_REQUEST", ["message"] = "Http头缺少Accept或User-Agent" });
        else if (sim.VerifyMerchant(http.Request, target, body) is { } refused)
            answer = (401, new JsonObject { ["code"] = "SIGN_ERROR", ["message"] = refused });
        else
        {
            var injected = sim.Failures.Next();
            answer = sim.Busy || injected == InjectedFailure.BeforeAction ? (500, new JsonObject { ["code"] = "SYSTEM_ERROR", ["message"] = "系统错误" }) : handle(body);
            if (injected == InjectedFailure.AfterAction)
                answer = (500, new JsonObject { ["code"] = "SYSTEM_ERROR", ["message"] = "系统错误（已处理，应答丢失）" });
        }
        var text = answer.Body?.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) ?? "";
        foreach (var (name, value) in sim.SignatureHeaders(text))
            http.Response.Headers[name] = value;
        journal.Record(Name, http.Request.Method, http.Request.Path, answer.Status, answer.Body?["code"]?.GetValue<string>() ?? "");
        return answer.Body is null ? Results.StatusCode(answer.Status) : Results.Text(text, "application/json", System.Text.Encoding.UTF8, answer.Status);
    }
}
