using System.Net;
using System.Text;
using CabinetOps.Sandbox.Erp;
using CabinetOps.Sandbox.Wechat;
using CabinetOps.Sandbox.Xiaomai;
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
        app.MapGet("/sandbox", (SandboxJournal journal, WechatSimulator wechat, XiaomaiSimulator xiaomai, ErpSimulator erp) =>
        {
            var html = new StringBuilder();
            html.Append("""
                <!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>沙箱控制台</title>
                <style>body{font-family:"Noto Sans CJK SC",sans-serif;margin:24px;color:#222}table{border-collapse:collapse;width:100%}
                td,th{border:1px solid #ddd;padding:4px 8px;font-size:13px;text-align:left}form{display:inline}h2{margin-top:28px}code{background:#f4f4f4;padding:1px 4px}</style>
                </head><body><h1>沙箱控制台</h1>
                <p>模拟外部系统（微信登录、小麦、ERP）。时间均为北京时间。这些接口只在 <code>Sandbox:Enabled=true</code>（内置默认环境）时存在。</p>
                """);
            html.Append(CustomerPanel.Render());
            html.Append("<h2>演示顾客</h2><table><tr><th>顾客</th><th>openid</th><th>手机号</th></tr>");
            foreach (var c in WechatSimulator.DemoCustomers)
                html.Append($"<tr><td>{Enc(c.Alias)}</td><td><code>{Enc(c.OpenId)}</code></td><td>{Enc(c.Phone)}</td></tr>");
            html.Append("""
                </table><p>发放登录 code：<code>POST /sandbox/wechat/login-codes {"openid":"…"}</code>；
                发放手机号 code：<code>POST /sandbox/wechat/phone-codes {"phone":"138…"}</code>。</p>
                """);
            html.Append($"<h2>故障开关</h2><p>微信登录：{(wechat.Busy ? "系统繁忙（errcode -1）" : "正常")}　<code>POST /sandbox/wechat/faults {{\"busy\":true}}</code></p>");
            html.Append($"<p>小麦：{(xiaomai.Outage ? "服务不可用（503）" : "正常")} {Button($"/sandbox/xiaomai/faults?outage={(!xiaomai.Outage).ToString().ToLowerInvariant()}", xiaomai.Outage ? "恢复" : "模拟故障")} 推送：{(xiaomai.DropPushes ? "丢弃（不推送）" : "正常")} {Button($"/sandbox/xiaomai/faults?drop={(!xiaomai.DropPushes).ToString().ToLowerInvariant()}", xiaomai.DropPushes ? "恢复推送" : "模拟推送丢失")}</p>");
            html.Append($"<p>ERP：{(erp.Outage ? "停机（503）" : "正常")}，共 {erp.Count} 个商品 {Button($"/sandbox/erp/faults?outage={(!erp.Outage).ToString().ToLowerInvariant()}", erp.Outage ? "恢复" : "模拟停机")} {Button("/sandbox/erp/changes/random?count=5", "模拟 5 个商品变更")}</p>");
            html.Append($"<p>小麦推送故障：重复推送 {(xiaomai.DuplicatePushes > 0 ? "开" : "关")} {Button($"/sandbox/xiaomai/faults?duplicate={(xiaomai.DuplicatePushes == 0).ToString().ToLowerInvariant()}", "切换")}　"
                + $"推送延迟 {xiaomai.DelayPushes.TotalSeconds} 秒 {Button($"/sandbox/xiaomai/faults?delaySeconds={(xiaomai.DelayPushes > TimeSpan.Zero ? 0 : 5)}", xiaomai.DelayPushes > TimeSpan.Zero ? "取消延迟" : "延迟 5 秒")}　"
                + $"乱序推送 {(xiaomai.ReorderPushes ? "开" : "关")} {Button($"/sandbox/xiaomai/faults?reorder={(!xiaomai.ReorderPushes).ToString().ToLowerInvariant()}", "切换")}　"
                + $"识别价格与门店不符 {(xiaomai.WrongVendorPrice ? "开" : "关")} {Button($"/sandbox/xiaomai/faults?wrongPrice={(!xiaomai.WrongVendorPrice).ToString().ToLowerInvariant()}", "切换")}　"
                + $"识别出未登记商品 {(xiaomai.UnknownSku ? "开" : "关")} {Button($"/sandbox/xiaomai/faults?unknownSku={(!xiaomai.UnknownSku).ToString().ToLowerInvariant()}", "切换")}　"
                + $"下次开门失败：{xiaomai.NextOpenFailure ?? "否"} {Button($"/sandbox/xiaomai/faults?nextOpenFailure={(xiaomai.NextOpenFailure is null ? "LOCK_FAULT" : "")}", xiaomai.NextOpenFailure is null ? "模拟锁故障" : "取消")}　"
                + $"下次识别异常（异常订单）：{xiaomai.NextException ?? "否"} {Button($"/sandbox/xiaomai/faults?nextException={(xiaomai.NextException is null ? "RECOGNITION_FAILED" : "")}", xiaomai.NextException is null ? "模拟识别失败" : "取消")}</p>");
            html.Append("<h2>小麦设备</h2><p><form method=\"post\" onsubmit=\"this.action='/sandbox/xiaomai/devices?redirect=1&code='+encodeURIComponent(this.code.value)\"><input name=\"code\" placeholder=\"新设备编号\"> <button>在小麦开通设备</button></form></p>");
            html.Append("<table><tr><th>设备编号</th><th>门店</th><th>在线</th><th>状态版本</th><th>门</th><th>操作</th></tr>");
            foreach (var d in xiaomai.Devices)
            {
                html.Append($"<tr><td><code>{Enc(d.DeviceCode)}</code></td><td>{Enc(d.StoreCode ?? "未绑定")}</td><td>{(d.Online ? "在线" : "离线")}</td><td>{d.StatusVersion}</td><td>{Enc(d.DoorState)}</td><td>");
                html.Append(Button($"/sandbox/xiaomai/devices/{Uri.EscapeDataString(d.DeviceCode)}/online?online={(!d.Online).ToString().ToLowerInvariant()}", d.Online ? "设为离线" : "设为在线"));
                // A door a customer opened (not one held by the 模拟占用 switch): it can be closed and shopped from.
                var customerAtDoor = d.DoorState == "OPEN" && d.ActiveSessionId is not null && !d.ActiveSessionId.StartsWith("DS_SANDBOX_", StringComparison.Ordinal);
                if (customerAtDoor)
                    html.Append(' ').Append(Button($"/sandbox/xiaomai/devices/{Uri.EscapeDataString(d.DeviceCode)}/close", "关门"));
                html.Append(' ').Append(Button($"/sandbox/xiaomai/devices/{Uri.EscapeDataString(d.DeviceCode)}/busy?busy={(d.ActiveSessionId is null).ToString().ToLowerInvariant()}", d.ActiveSessionId is null ? "模拟占用" : "结束占用"));
                html.Append("</td></tr>");
                if (customerAtDoor)
                    html.Append(TakeRow(xiaomai, d));
            }

            html.Append("</table><h2>小麦推送</h2><table><tr><th>时间</th><th>事件</th><th>设备</th><th>尝试次数</th><th>最后状态</th><th>送达</th></tr>");
            foreach (var p in xiaomai.Pushes)
                html.Append($"<tr><td>{Local(p.CreatedAt)}</td><td>{Enc(p.EventType)} <code>{Enc(p.EventId)}</code></td><td>{Enc(p.DeviceCode)}</td><td>{p.Attempts}</td><td>{p.LastStatus}</td><td>{(p.Delivered ? "是" : "否")}</td></tr>");
            html.Append("</table>");
            html.Append("<h2>收到的请求</h2><table><tr><th>时间</th><th>模拟器</th><th>请求</th><th>状态</th><th>摘要</th></tr>");
            foreach (var e in journal.Latest())
                html.Append($"<tr><td>{Local(e.At)}</td><td>{Enc(e.Simulator)}</td><td>{Enc(e.Method)} {Enc(e.Path)}</td><td>{e.Status}</td><td>{Enc(e.Summary)}</td></tr>");
            html.Append("</table></body></html>");
            return Results.Content(html.ToString(), "text/html; charset=utf-8");
        }).ExcludeFromDescription();
        return app;
    }

    /// <summary>Under an open cabinet: its shelf, one button per product to take one, and what has been taken with a button to put one back.</summary>
    private static string TakeRow(XiaomaiSimulator xiaomai, SimulatedDevice d)
    {
        var code = Uri.EscapeDataString(d.DeviceCode);
        var row = new StringBuilder($"<tr class=\"shelf\" data-device=\"{Enc(d.DeviceCode)}\"><td colspan=\"6\">货架：");
        foreach (var item in xiaomai.Shelf(d))
            row.Append(Button($"/sandbox/xiaomai/devices/{code}/take?sku={Uri.EscapeDataString(item.SkuCode)}&quantity=1", $"拿 {item.Name} ¥{item.UnitPriceFen / 100m:0.00}")).Append(' ');
        var taken = xiaomai.TakenNow(d);
        row.Append("<br>已拿：").Append(taken.Count == 0 ? "无" : "");
        foreach (var t in taken)
            row.Append($"<span class=\"taken\">{Enc(t.Item.Name)} × {t.Quantity}</span> ")
                .Append(Button($"/sandbox/xiaomai/devices/{code}/take?sku={Uri.EscapeDataString(t.Item.SkuCode)}&quantity=-1", "放回 1 件")).Append(' ');
        return row.Append("</td></tr>").ToString();
    }

    private static readonly TimeZoneInfo Beijing = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static string Enc(string s) => WebUtility.HtmlEncode(s);

    private static string Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Beijing).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A control as a one-button form posting to the simulator, which redirects back here.</summary>
    private static string Button(string action, string label) =>
        $"<form method=\"post\" action=\"{Enc(action + (action.Contains('?') ? "&" : "?") + "redirect=1")}\"><button>{Enc(label)}</button></form>";
}
