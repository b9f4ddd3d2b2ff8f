using CabinetOps.Server.Features.Staff;
using CabinetOps.Server.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using MiniExcelLibs;

namespace CabinetOps.Server.Features.Stores;

public static class StoresApi
{
    public static IEndpointRouteBuilder MapStoresApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/admin/stores").WithTags("Stores").RequireAuthorization(Permissions.StoresView);
        g.MapGet("/", (string? search, StoreType? type, StoreProperty? property, bool? enabled, string? sort, bool? desc, int? page, int? pageSize,
                HttpContext http, StoreHandlers h, CancellationToken ct) =>
            h.ListAsync(StaffApi.Actor(http), new StoreListFilter(search, type, property, enabled, sort, desc ?? false, page ?? 1, pageSize ?? 20), ct))
            .WithSummary("门店列表（sort: code | name | created）");
        g.MapGet("/export", async (string? search, StoreType? type, StoreProperty? property, bool? enabled, string? sort, bool? desc,
                HttpContext http, StoreHandlers h, TimeProvider clock, CancellationToken ct) =>
            {
                var rows = await h.ExportAsync(StaffApi.Actor(http), new StoreListFilter(search, type, property, enabled, sort, desc ?? false), ct);
                var sheet = rows.Select(r => new Dictionary<string, object?>
                {
                    ["门店编码"] = r.StoreCode,
                    ["门店名称"] = r.StoreName,
                    ["类型"] = r.StoreTypeLabel,
                    ["性质"] = r.StorePropertyLabel,
                    ["地址"] = r.Address,
                    ["电话"] = r.Phone,
                    ["状态"] = r.IsEnabled ? "启用" : "停用",
                    ["设备数"] = r.DeviceCount,
                    ["创建时间"] = Infrastructure.Time.ShanghaiTime.Format(r.CreatedAt),
                }).ToList();
                var stream = new MemoryStream();
                await stream.SaveAsAsync(sheet, sheetName: "门店", cancellationToken: ct);
                stream.Position = 0;
                var name = $"门店_{Infrastructure.Time.ShanghaiTime.FromUtc(clock.GetUtcNow().UtcDateTime):yyyyMMddHHmm}.xlsx";
                return TypedResults.File(stream, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name);
            }).WithSummary("导出筛选后的门店列表（Excel）");
        g.MapGet("/{id:int}", async Task<Results<Ok<StoreDetail>, ProblemHttpResult>> (int id, HttpContext http, StoreHandlers h, CancellationToken ct) =>
            (await h.GetAsync(StaffApi.Actor(http), id, ct)).ToHttp()).WithSummary("门店详情与生效设置");
        g.MapPost("/", async Task<Results<Created<StoreDetail>, ProblemHttpResult>> (SaveStoreRequest body, HttpContext http, StoreHandlers h, CancellationToken ct) =>
        {
            var r = await h.CreateAsync(StaffApi.Actor(http), body, ct);
            return r.IsSuccess ? TypedResults.Created($"/api/admin/stores/{r.Value!.Store.Id}", r.Value) : r.Problem!.ToHttp();
        }).RequireAuthorization(Permissions.StoresAdmin).WithSummary("新建门店");
        g.MapPut("/{id:int}", async Task<Results<Ok<StoreDetail>, ProblemHttpResult>> (int id, SaveStoreRequest body, HttpContext http, StoreHandlers h, CancellationToken ct) =>
            (await h.UpdateAsync(StaffApi.Actor(http), id, body, ct)).ToHttp()).RequireAuthorization(Permissions.StoresEdit).WithSummary("修改门店与门店设置");
        g.MapPost("/{id:int}/status", async Task<Results<Ok<StoreDetail>, ProblemHttpResult>> (int id, SetStoreStatusRequest body, HttpContext http, StoreHandlers h, CancellationToken ct) =>
            (await h.SetEnabledAsync(StaffApi.Actor(http), id, body.Enabled, ct)).ToHttp()).RequireAuthorization(Permissions.StoresAdmin).WithSummary("启用或停用门店");
        g.MapGet("/{id:int}/qr.png", async Task<Results<FileContentHttpResult, ProblemHttpResult>> (int id, HttpContext http, StoreHandlers h, CancellationToken ct) =>
        {
            var r = await h.QrAsync(StaffApi.Actor(http), id, ct);
            return r.IsSuccess ? TypedResults.File(QrCodes.Png(r.Value.Url), "image/png", $"store-{r.Value.Code}.png") : r.Problem!.ToHttp();
        }).WithSummary("门店二维码 PNG");
        g.MapGet("/{id:int}/qr.svg", async Task<Results<FileContentHttpResult, ProblemHttpResult>> (int id, HttpContext http, StoreHandlers h, CancellationToken ct) =>
        {
            var r = await h.QrAsync(StaffApi.Actor(http), id, ct);
            return r.IsSuccess ? TypedResults.File(System.Text.Encoding.UTF8.GetBytes(QrCodes.Svg(r.Value.Url)), "image/svg+xml", $"store-{r.Value.Code}.svg") : r.Problem!.ToHttp();
        }).WithSummary("门店二维码 SVG");
        return app;
    }
}

public sealed record SetStoreStatusRequest(bool Enabled);
