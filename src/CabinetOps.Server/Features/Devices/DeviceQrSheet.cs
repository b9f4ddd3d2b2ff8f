using System.Net;
using System.Text;
using CabinetOps.Server.Features.Stores;
using CabinetOps.Server.Infrastructure.Http;

namespace CabinetOps.Server.Features.Devices;

/// <summary>
/// The printable A4 sheet of a store's cabinet QR codes (3 × 4 per page, cut along the lines):
/// HTML with inline SVG, so the browser's print dialog makes the PDF and the codes stay sharp.
/// </summary>
public static class DeviceQrSheet
{
    public static string Render(StoreOption store, IReadOnlyList<DeviceRow> devices, DateTime printedAtLocal)
    {
        var html = new StringBuilder();
        var title = WebUtility.HtmlEncode($"{store.StoreName}（{store.StoreCode}）设备二维码");
        html.Append($$"""
            <!DOCTYPE html>
            <html lang="zh-CN"><head><meta charset="utf-8"><title>{{title}}</title>
            <style>
              @page { size: A4; margin: 10mm; }
              body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif; margin: 0; color: #111; }
              header { display: flex; justify-content: space-between; align-items: baseline; margin-bottom: 4mm; }
              header h1 { font-size: 14pt; margin: 0; }
              header span { font-size: 9pt; color: #555; }
              .grid { display: grid; grid-template-columns: repeat(3, 1fr); gap: 0; }
              .label { border: 1px dashed #999; height: 66mm; box-sizing: border-box; padding: 4mm; text-align: center; break-inside: avoid; }
              .label svg { width: 42mm; height: 42mm; display: block; margin: 0 auto 2mm; }
              .store { font-size: 10pt; font-weight: bold; }
              .device { font-size: 12pt; font-family: monospace; letter-spacing: 0.5px; }
              .hint { font-size: 8pt; color: #444; }
              .empty { padding: 20mm; text-align: center; color: #666; }
              @media print { .noprint { display: none; } }
            </style></head><body>
            <header><h1>{{title}}</h1><span>共 {{devices.Count}} 台 · 打印于 {{printedAtLocal:yyyy-MM-dd HH:mm}} <button class="noprint" onclick="window.print()">打印</button></span></header>
            """);
        if (devices.Count == 0)
            html.Append("<p class=\"empty\">该门店还没有绑定设备</p>");
        html.Append("<div class=\"grid\">");
        foreach (var d in devices)
        {
            html.Append("<div class=\"label\" data-device=\"").Append(WebUtility.HtmlEncode(d.DeviceCode)).Append("\">")
                .Append(QrCodes.Svg(d.QrUrl))
                .Append("<div class=\"store\">").Append(WebUtility.HtmlEncode(store.StoreName)).Append("</div>")
                .Append("<div class=\"device\">").Append(WebUtility.HtmlEncode(d.DeviceCode)).Append("</div>")
                .Append("<div class=\"hint\">微信扫码 · 开门购物</div></div>");
        }

        html.Append("</div></body></html>");
        return html.ToString();
    }
}
