using System.Net;
using System.Text;
using CabinetOps.Sandbox.Wechat;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CabinetOps.Sandbox.Console;

/// <summary>
/// <c>/sandbox</c>: what each simulator has received, the fault switches, and the 模拟顾客 panel
/// (codes a phone's WeChat client would hand the mini-program). Plain HTML: it is a developer tool.
/// </summary>
public static class SandboxConsole
{
    public static IEndpointRouteBuilder MapSandboxConsole(this IEndpointRouteBuilder app)
    {
        app.MapGet("/sandbox", (SandboxJournal journal, WechatSimulator wechat) =>
        {
            var html = new StringBuilder();
            html.Append("""
                <!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>沙箱控制台</title>
                <style>body{font-family:"Noto Sans CJK SC",sans-serif;margin:24px;color:#222}table{border-collapse:collapse;width:100%}
                td,th{border:1px solid #ddd;padding:4px 8px;font-size:13px;text-align:left}h2{margin-top:28px}code{background:#f4f4f4;padding:1px 4px}</style>
                </head><body><h1>沙箱控制台</h1>
                <p>模拟外部系统（微信登录）。这些接口只在 <code>Sandbox:Enabled=true</code>（内置默认环境）时存在。</p>
                """);
            html.Append("<h2>模拟顾客</h2><table><tr><th>顾客</th><th>openid</th><th>手机号</th></tr>");
            foreach (var c in WechatSimulator.DemoCustomers)
                html.Append($"<tr><td>{Enc(c.Alias)}</td><td><code>{Enc(c.OpenId)}</code></td><td>{Enc(c.Phone)}</td></tr>");
            html.Append("""
                </table><p>发放登录 code：<code>POST /sandbox/wechat/login-codes {"openid":"…"}</code>；
                发放手机号 code：<code>POST /sandbox/wechat/phone-codes {"phone":"138…"}</code>。</p>
                """);
            html.Append($"<h2>故障开关</h2><p>微信登录：{(wechat.Busy ? "系统繁忙（errcode -1）" : "正常")}　<code>POST /sandbox/wechat/faults {{\"busy\":true}}</code></p>");
            html.Append("<h2>收到的请求</h2><table><tr><th>时间 (UTC)</th><th>模拟器</th><th>请求</th><th>状态</th><th>摘要</th></tr>");
            foreach (var e in journal.Latest())
                html.Append($"<tr><td>{e.At:yyyy-MM-dd HH:mm:ss}</td><td>{Enc(e.Simulator)}</td><td>{Enc(e.Method)} {Enc(e.Path)}</td><td>{e.Status}</td><td>{Enc(e.Summary)}</td></tr>");
            html.Append("</table></body></html>");
            return Results.Content(html.ToString(), "text/html; charset=utf-8");
        }).ExcludeFromDescription();
        return app;
    }

    private static string Enc(string s) => WebUtility.HtmlEncode(s);
}
