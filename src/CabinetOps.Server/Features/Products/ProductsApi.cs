using CabinetOps.Server.Features.Staff;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Time;
using Microsoft.AspNetCore.Http.HttpResults;
using MiniExcelLibs;

namespace CabinetOps.Server.Features.Products;

public static class ProductsApi
{
    public static IEndpointRouteBuilder MapProductsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/admin/products").WithTags("Products").RequireAuthorization(Permissions.ProductsView);
        g.MapGet("/", (string? search, string? category, ProductStatus? status, string? sort, bool? desc, int? page, int? pageSize, ProductHandlers h, CancellationToken ct) =>
            h.ListAsync(new ProductListFilter(search, category, status, sort, desc ?? false, page ?? 1, pageSize ?? 20), ct))
            .WithSummary("商品列表（sort: code | name | price | updated）");
        g.MapGet("/categories", (ProductHandlers h, CancellationToken ct) => h.CategoriesAsync(ct)).WithSummary("商品分类");
        g.MapGet("/export", async (string? search, string? category, ProductStatus? status, string? sort, bool? desc, ProductHandlers h, TimeProvider clock, CancellationToken ct) =>
        {
            var rows = await h.ExportAsync(new ProductListFilter(search, category, status, sort, desc ?? false), ct);
            var sheet = rows.Select(r => new Dictionary<string, object?>
            {
                ["商品编码"] = r.ProductCode,
                ["条码"] = r.Barcode,
                ["名称"] = r.Name,
                ["分类"] = r.Category,
                ["规格"] = r.Specification,
                ["单位"] = r.Unit,
                ["价格（元）"] = r.Price,
                ["状态"] = r.StatusLabel,
                ["ERP 更新时间"] = ShanghaiTime.Format(r.ErpUpdatedAt),
            }).ToList();
            var stream = new MemoryStream();
            await stream.SaveAsAsync(sheet, sheetName: "商品", cancellationToken: ct);
            stream.Position = 0;
            return TypedResults.File(stream, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                $"商品_{ShanghaiTime.FromUtc(clock.GetUtcNow().UtcDateTime):yyyyMMddHHmm}.xlsx");
        }).WithSummary("导出筛选后的商品列表（Excel）");
        g.MapGet("/{id:int}", async Task<Results<Ok<ProductDetail>, ProblemHttpResult>> (int id, HttpContext http, ProductHandlers h, CancellationToken ct) =>
            (await h.GetAsync(StaffApi.Actor(http), id, ct)).ToHttp()).WithSummary("商品详情与门店价格");
        g.MapPut("/{id:int}/store-prices", async Task<Results<Ok<ProductDetail>, ProblemHttpResult>> (int id, SetStorePriceRequest body, HttpContext http, ProductHandlers h,
                CancellationToken ct) => (await h.SetStorePriceAsync(StaffApi.Actor(http), id, body, ct)).ToHttp())
            .RequireAuthorization(Permissions.ProductsPrice).WithSummary("设置门店价格（覆盖 ERP 价格，记审计）");
        g.MapDelete("/{id:int}/store-prices/{storeId:int}", async Task<Results<Ok<ProductDetail>, ProblemHttpResult>> (int id, int storeId, HttpContext http, ProductHandlers h,
                CancellationToken ct) => (await h.ClearStorePriceAsync(StaffApi.Actor(http), id, storeId, ct)).ToHttp())
            .RequireAuthorization(Permissions.ProductsPrice).WithSummary("取消门店价格");
        g.MapGet("/sync-runs", (int? take, ProductHandlers h, CancellationToken ct) => h.RunsAsync(take ?? 20, ct)).WithSummary("最近的 ERP 同步记录");
        g.MapGet("/sync-runs/{id:int}", async Task<Results<Ok<SyncRunRow>, ProblemHttpResult>> (int id, ProductHandlers h, CancellationToken ct) =>
            (await h.RunAsync(id, ct)).ToHttp()).WithSummary("一次同步的结果");
        g.MapPost("/sync-runs", async Task<Results<Accepted<SyncRunRow>, ProblemHttpResult>> (HttpContext http, ProductHandlers h, CancellationToken ct) =>
        {
            var r = await h.StartSyncAsync(StaffApi.Actor(http), ct);
            return r.IsSuccess ? TypedResults.Accepted($"/api/admin/products/sync-runs/{r.Value!.Id}", r.Value) : r.Problem!.ToHttp();
        }).RequireAuthorization(Permissions.ProductsSync).WithSummary("立即同步（后台执行，返回同步记录）");
        return app;
    }
}
