using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CabinetOps.Sandbox.Wechat;

public sealed record MintLoginCodeRequest(string? OpenId);

public sealed record MintPhoneCodeRequest(string? Phone);

public sealed record WechatFaults(bool Busy);

/// <summary>The fake WeChat server under <c>/sandbox/wechat</c>, same paths and bodies as api.weixin.qq.com.</summary>
public static class WechatSimulatorEndpoints
{
    private const string Name = "微信登录";

    public static IEndpointRouteBuilder MapWechatSimulator(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/sandbox/wechat").ExcludeFromDescription();

        g.MapGet("/sns/jscode2session", (HttpContext http, WechatSimulator sim, SandboxJournal journal) =>
        {
            var q = http.Request.Query;
            var reply = Check(sim, q["appid"], q["secret"]) ?? Busy(sim);
            if (reply is null)
            {
                if (q["grant_type"] != "authorization_code")
                    reply = Error(40002, "invalid grant_type");
                else
                {
                    var (openId, err, msg) = sim.Redeem(q["js_code"]);
                    reply = openId is null
                        ? Error(err, msg)
                        : new JsonObject { ["openid"] = openId, ["session_key"] = Convert.ToBase64String(Guid.NewGuid().ToByteArray()) };
                }
            }

            return Answer(journal, http, reply, "code2Session");
        });

        g.MapPost("/cgi-bin/stable_token", async (HttpContext http, WechatSimulator sim, SandboxJournal journal) =>
        {
            JsonObject? body;
            try
            {
                body = await JsonSerializer.DeserializeAsync<JsonObject>(http.Request.Body);
            }
            catch (JsonException)
            {
                body = null;
            }

            var reply = body is null ? Error(47001, "data format error")
                : Check(sim, (string?)body["appid"], (string?)body["secret"]) ?? Busy(sim);
            if (reply is null)
            {
                var (token, expiresIn) = sim.StableToken(body!["force_refresh"]?.GetValue<bool>() ?? false);
                reply = new JsonObject { ["access_token"] = token, ["expires_in"] = expiresIn };
            }

            return Answer(journal, http, reply, "stable_token");
        });

        g.MapPost("/wxa/business/getuserphonenumber", async (HttpContext http, WechatSimulator sim, SandboxJournal journal) =>
        {
            JsonNode? reply = Busy(sim);
            if (reply is null && !sim.IsValidToken(http.Request.Query["access_token"]))
                reply = Error(40001, "invalid credential, access_token is invalid or not latest");
            if (reply is null)
            {
                string? code = null;
                try
                {
                    code = (string?)(await JsonSerializer.DeserializeAsync<JsonObject>(http.Request.Body))?["code"];
                }
                catch (JsonException)
                {
                }

                var (phone, err, msg) = sim.RedeemPhone(code);
                reply = phone is null ? Error(err, msg) : new JsonObject
                {
                    ["errcode"] = 0,
                    ["errmsg"] = "ok",
                    ["phone_info"] = new JsonObject
                    {
                        ["phoneNumber"] = phone,
                        ["purePhoneNumber"] = phone,
                        ["countryCode"] = 86,
                        ["watermark"] = new JsonObject { ["timestamp"] = sim.Now.ToUnixTimeSeconds(), ["appid"] = sim.Options.AppId },
                    },
                };
            }

            return Answer(journal, http, reply, "getuserphonenumber");
        });

        // What the WeChat client does on a phone: hand the mini-program a code (wx.login / getPhoneNumber).
        g.MapPost("/login-codes", (MintLoginCodeRequest? body, WechatSimulator sim, SandboxJournal journal) =>
        {
            var openId = string.IsNullOrWhiteSpace(body?.OpenId) ? WechatSimulator.DemoCustomers[0].OpenId : body.OpenId.Trim();
            var code = sim.IssueLoginCode(openId);
            journal.Record(Name, "POST", "/sandbox/wechat/login-codes", 200, "模拟 wx.login 发放登录 code");
            return Results.Ok(new { code, openid = openId });
        });
        g.MapPost("/phone-codes", (MintPhoneCodeRequest? body, WechatSimulator sim, SandboxJournal journal) =>
        {
            var phone = body?.Phone?.Trim();
            if (string.IsNullOrEmpty(phone) || phone.Length is < 5 or > 15 || !phone.All(char.IsAsciiDigit))
                return Results.Problem(title: "手机号格式不正确", statusCode: 400);
            journal.Record(Name, "POST", "/sandbox/wechat/phone-codes", 200, "模拟 getPhoneNumber 发放手机号 code");
            return Results.Ok(new { code = sim.IssuePhoneCode(phone) });
        });
        g.MapPost("/faults", (WechatFaults body, WechatSimulator sim, SandboxJournal journal) =>
        {
            sim.Busy = body.Busy;
            journal.Record(Name, "POST", "/sandbox/wechat/faults", 200, body.Busy ? "故障开关：系统繁忙（errcode -1）" : "故障开关：恢复正常");
            return Results.Ok(body);
        });
        return app;
    }

    private static JsonNode? Check(WechatSimulator sim, string? appId, string? secret) =>
        appId != sim.Options.AppId ? Error(40013, "invalid appid")
        : secret != sim.Options.AppSecret ? Error(40125, "invalid appsecret")
        : null;

    private static JsonNode? Busy(WechatSimulator sim) => sim.Busy ? Error(-1, "system error") : null;

    private static JsonObject Error(int errCode, string errMsg) => new() { ["errcode"] = errCode, ["errmsg"] = errMsg };

    // WeChat answers errors with HTTP 200 and a JSON body; the content type is text/plain on some APIs.
    private static IResult Answer(SandboxJournal journal, HttpContext http, JsonNode reply, string api)
    {
        var errcode = reply["errcode"]?.GetValue<int>() ?? 0;
        journal.Record(Name, http.Request.Method, http.Request.Path, 200, errcode == 0 ? $"{api}：成功" : $"{api}：errcode {errcode}");
        return Results.Text(reply.ToJsonString(), "text/plain", System.Text.Encoding.UTF8);
    }
}
