using CabinetOps.Server.Features.Staff;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Time;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CabinetOps.Server.Features.Devices;

public static class DevicesApi
{
    public static IEndpointRouteBuilder MapDevicesApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/admin/devices").WithTags("Devices").RequireAuthorization(Permissions.DevicesView);
        g.MapGet("/", (string? search, int? storeId, bool? online, bool? enabled, bool? unbound, int? page, int? pageSize,
                HttpContext http, DeviceHandlers h, CancellationToken ct) =>
            h.ListAsync(StaffApi.Actor(http), new DeviceListFilter(search, storeId, online, enabled, unbound, page ?? 1, pageSize ?? 20), ct))
            .WithSummary("设备列表（在线状态、最后心跳、门店）");
        g.MapGet("/{id:int}", async Task<Results<Ok<DeviceRow>, ProblemHttpResult>> (int id, HttpContext http, DeviceHandlers h, CancellationToken ct) =>
            (await h.GetAsync(StaffApi.Actor(http), id, ct)).ToHttp()).WithSummary("设备详情");
        g.MapPost("/", async Task<Results<Created<DeviceRow>, ProblemHttpResult>> (RegisterDeviceRequest body, HttpContext http, DeviceHandlers h, CancellationToken ct) =>
        {
            var r = await h.RegisterAsync(StaffApi.Actor(http), body, ct);
            return r.IsSuccess ? TypedResults.Created($"/api/admin/devices/{r.Value!.Id}", r.Value) : r.Problem!.ToHttp();
        }).RequireAuthorization(Permissions.DevicesManage).WithSummary("登记设备（小麦中须已有该设备编号），可同时绑定门店");
        g.MapPut("/{id:int}/binding", async Task<Results<Ok<DeviceRow>, ProblemHttpResult>> (int id, BindDeviceRequest body, HttpContext http, DeviceHandlers h, CancellationToken ct) =>
            (await h.BindToStoreAsync(StaffApi.Actor(http), id, body, ct)).ToHttp()).RequireAuthorization(Permissions.DevicesManage).WithSummary("绑定或移机到门店（经小麦确认）");
        g.MapDelete("/{id:int}/binding", async Task<Results<Ok<DeviceRow>, ProblemHttpResult>> (int id, HttpContext http, DeviceHandlers h, CancellationToken ct) =>
            (await h.UnbindAsync(StaffApi.Actor(http), id, ct)).ToHttp()).RequireAuthorization(Permissions.DevicesManage).WithSummary("解绑门店（经小麦确认）");
        g.MapPost("/{id:int}/status", async Task<Results<Ok<DeviceRow>, ProblemHttpResult>> (int id, SetDeviceStatusRequest body, HttpContext http, DeviceHandlers h, CancellationToken ct) =>
            (await h.SetEnabledAsync(StaffApi.Actor(http), id, body.Enabled, ct)).ToHttp()).RequireAuthorization(Permissions.DevicesManage).WithSummary("启用或停用设备");
        g.MapPost("/status-pull", async (DeviceStatus status, CancellationToken ct) =>
        {
            try
            {
                return Results.Ok(new { Updated = await status.PullAsync(ct) });
            }
            catch (InvalidOperationException ex)
            {
                return new Problem("vendor-unavailable", ex.Message, StatusCodes.Status503ServiceUnavailable).ToHttp();
            }
        }).RequireAuthorization(Permissions.DevicesManage).WithSummary("立即从小麦拉取所有设备的在线状态");
        g.MapGet("/{id:int}/qr.png", async Task<Results<FileContentHttpResult, ProblemHttpResult>> (int id, HttpContext http, DeviceHandlers h, CancellationToken ct) =>
        {
            var r = await h.GetAsync(StaffApi.Actor(http), id, ct);
            return r.IsSuccess ? TypedResults.File(QrCodes.Png(r.Value!.QrUrl), "image/png", $"device-{r.Value.DeviceCode}.png") : r.Problem!.ToHttp();
        }).WithSummary("设备二维码 PNG");
        g.MapGet("/{id:int}/qr.svg", async Task<Results<FileContentHttpResult, ProblemHttpResult>> (int id, HttpContext http, DeviceHandlers h, CancellationToken ct) =>
        {
            var r = await h.GetAsync(StaffApi.Actor(http), id, ct);
            return r.IsSuccess ? TypedResults.File(System.Text.Encoding.UTF8.GetBytes(QrCodes.Svg(r.Value!.QrUrl)), "image/svg+xml", $"device-{r.Value.DeviceCode}.svg") : r.Problem!.ToHttp();
        }).WithSummary("设备二维码 SVG");
        app.MapGet("/api/admin/stores/{storeId:int}/device-qr-sheet", async Task<Results<ContentHttpResult, ProblemHttpResult>> (int storeId, HttpContext http, DeviceHandlers h,
                TimeProvider clock, CancellationToken ct) =>
            {
                var r = await h.StoreSheetAsync(StaffApi.Actor(http), storeId, ct);
                return r.IsSuccess
                    ? TypedResults.Text(DeviceQrSheet.Render(r.Value.Store, r.Value.Devices, ShanghaiTime.FromUtc(clock.GetUtcNow().UtcDateTime)), "text/html; charset=utf-8")
                    : r.Problem!.ToHttp();
            })
            .WithTags("Devices").RequireAuthorization(Permissions.DevicesView).WithSummary("门店全部设备二维码的 A4 打印页（HTML，浏览器打印）");
        return app;
    }
}
