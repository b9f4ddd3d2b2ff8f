using System.ComponentModel.DataAnnotations;
using CabinetOps.Server.Features.Audit;
using CabinetOps.Server.Features.Staff;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Messaging;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CabinetOps.Server.Features.Products;

public sealed record ProductListFilter(string? Search = null, string? Category = null, ProductStatus? Status = null, string? Sort = null, bool Descending = false,
    int Page = 1, int PageSize = 20);

public sealed record ProductRow(int Id, string ProductCode, string? Barcode, string Name, string? Category, string? Specification, string? Unit, decimal Price,
    string? ImageUrl, ProductStatus Status, string StatusLabel, DateTime ErpUpdatedAt, DateTime UpdatedAt);

public sealed record ProductPage(IReadOnlyList<ProductRow> Items, int Total, int Page, int PageSize);

public sealed record StorePriceRow(int StoreId, string StoreCode, string StoreName, decimal Price, DateTime UpdatedAt, string? UpdatedBy);

public sealed record ProductDetail(ProductRow Product, IReadOnlyList<StorePriceRow> StorePrices);

public sealed record SetStorePriceRequest(
    [property: Required(ErrorMessage = "请选择门店")] int? StoreId,
    [property: Required(ErrorMessage = "请输入价格"), Range(0, 99999999.99, ErrorMessage = "价格须在 0 至 99999999.99 元之间")] decimal? Price);

public sealed record SyncRunRow(int Id, ProductSyncTrigger Trigger, string TriggerLabel, string? TriggeredBy, ProductSyncStatus Status, string StatusLabel,
    DateTime StartedAt, DateTime? FinishedAt, int Pages, int Created, int Updated, int Disabled, int Unchanged, int Skipped, string? Error);

/// <summary>商品管理 use cases, shared by <c>/api/admin/products</c> and the 商品管理 page.</summary>
public sealed class ProductHandlers(CabinetOpsDbContext db, UnitOfWork work, ProductSync sync, AuditWriter audit, TimeProvider clock)
{
    public async Task<ProductPage> ListAsync(ProductListFilter f, CancellationToken ct)
    {
        var page = Math.Max(1, f.Page);
        var pageSize = Math.Clamp(f.PageSize, 1, 200);
        var q = Filtered(f);
        var total = await q.CountAsync(ct);
        var rows = await Sorted(q, f).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new ProductPage(rows.Select(Row).ToList(), total, page, pageSize);
    }

    public async Task<IReadOnlyList<ProductRow>> ExportAsync(ProductListFilter f, CancellationToken ct) =>
        (await Sorted(Filtered(f), f).Take(50_000).ToListAsync(ct)).Select(Row).ToList();

    public async Task<IReadOnlyList<string>> CategoriesAsync(CancellationToken ct) =>
        await db.Products.AsNoTracking().Where(p => p.Category != null).Select(p => p.Category!).Distinct().OrderBy(c => c).ToListAsync(ct);

    public async Task<Result<ProductDetail>> GetAsync(StaffActor actor, int id, CancellationToken ct)
    {
        var product = await db.Products.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (product is null)
            return Problem.NotFound("商品");
        var prices = db.StoreProductPrices.AsNoTracking().Where(x => x.ProductId == id);
        if (!actor.AllStores)
        {
            var scope = actor.StoreIds.ToList();
            prices = prices.Where(x => scope.Contains(x.StoreId));
        }

        var rows = await (from x in prices
                          join s in db.Stores on x.StoreId equals s.Id
                          orderby s.StoreCode
                          select new { x.StoreId, s.StoreCode, s.StoreName, x.Price, x.UpdatedAt, x.UpdatedBy }).ToListAsync(ct);
        return new ProductDetail(Row(product), rows.Select(r => new StorePriceRow(r.StoreId, r.StoreCode, r.StoreName, r.Price.ToYuan(), r.UpdatedAt, r.UpdatedBy)).ToList());
    }

    /// <summary>Sets a store's own price for a product (门店价格); audited with before/after.</summary>
    public async Task<Result<ProductDetail>> SetStorePriceAsync(StaffActor actor, int id, SetStorePriceRequest request, CancellationToken ct)
    {
        var product = await db.Products.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (product is null)
            return Problem.NotFound("商品");
        var storeId = request.StoreId!.Value;
        if (!actor.CanSeeStore(storeId) || !await db.Stores.AnyAsync(s => s.Id == storeId, ct))
            return Problem.NotFound("门店");
        var price = request.Price!.Value;
        if (decimal.Round(price, 2) != price)
            return Problem.Validation("price", "价格只能精确到分");
        var row = await db.StoreProductPrices.FirstOrDefaultAsync(x => x.StoreId == storeId && x.ProductId == id, ct);
        var before = row is null ? null : new { Price = row.Price.ToYuan() };
        if (row is null)
            db.StoreProductPrices.Add(row = new StoreProductPrice { StoreId = storeId, ProductId = id });
        row.Price = Money.FromYuan(price);
        row.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        row.UpdatedBy = actor.Name;
        audit.Record(actor, "product.store-price", "Product", id.ToString(), $"设置商品 {product.ProductCode} {product.Name} 的门店价格为 {price:0.00} 元",
            before, new { Price = price }, storeId);
        await db.SaveChangesAsync(ct);
        return await GetAsync(actor, id, ct);
    }

    public async Task<Result<ProductDetail>> ClearStorePriceAsync(StaffActor actor, int id, int storeId, CancellationToken ct)
    {
        if (!actor.CanSeeStore(storeId))
            return Problem.NotFound("门店");
        var row = await db.StoreProductPrices.FirstOrDefaultAsync(x => x.StoreId == storeId && x.ProductId == id, ct);
        if (row is null)
            return Problem.NotFound("门店价格");
        db.StoreProductPrices.Remove(row);
        audit.Record(actor, "product.store-price-clear", "Product", id.ToString(), $"取消商品 {id} 的门店价格，恢复 ERP 价格",
            new { Price = row.Price.ToYuan() }, null, storeId);
        await db.SaveChangesAsync(ct);
        return await GetAsync(actor, id, ct);
    }

    /// <summary>立即同步: records the run and queues it in one transaction; the page follows its progress.</summary>
    public async Task<Result<SyncRunRow>> StartSyncAsync(StaffActor actor, CancellationToken ct)
    {
        var run = await sync.StartAsync(ProductSyncTrigger.Manual, actor.Name, work, ct);
        if (run is null)
            return Problem.Conflict("sync-running", "商品同步正在进行中，请稍后查看结果");
        audit.Record(actor, "product.sync", "ProductSyncRun", run.Id.ToString(), $"立即同步 ERP 商品（第 {run.Id} 次）");
        await db.SaveChangesAsync(ct);
        return Run(run);
    }

    public async Task<IReadOnlyList<SyncRunRow>> RunsAsync(int take, CancellationToken ct) =>
        (await db.ProductSyncRuns.AsNoTracking().OrderByDescending(r => r.Id).Take(Math.Clamp(take, 1, 100)).ToListAsync(ct)).Select(Run).ToList();

    public async Task<Result<SyncRunRow>> RunAsync(int id, CancellationToken ct) =>
        await db.ProductSyncRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct) is { } run ? Run(run) : Problem.NotFound("同步记录");

    private IQueryable<Product> Filtered(ProductListFilter f)
    {
        var q = db.Products.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(f.Search))
        {
            var term = f.Search.Trim();
            q = q.Where(p => p.ProductCode.Contains(term) || p.Name.Contains(term) || (p.Barcode != null && p.Barcode == term));
        }

        if (!string.IsNullOrWhiteSpace(f.Category))
            q = q.Where(p => p.Category == f.Category);
        if (f.Status is { } status)
            q = q.Where(p => p.Status == status);
        return q;
    }

    private static IQueryable<Product> Sorted(IQueryable<Product> q, ProductListFilter f) => (f.Sort?.ToLowerInvariant(), f.Descending) switch
    {
        ("name", false) => q.OrderBy(p => p.Name).ThenBy(p => p.Id),
        ("name", true) => q.OrderByDescending(p => p.Name).ThenBy(p => p.Id),
        ("price", false) => q.OrderBy(p => p.Price).ThenBy(p => p.Id),
        ("price", true) => q.OrderByDescending(p => p.Price).ThenBy(p => p.Id),
        ("updated", false) => q.OrderBy(p => p.ErpUpdatedAt).ThenBy(p => p.Id),
        ("updated", true) => q.OrderByDescending(p => p.ErpUpdatedAt).ThenByDescending(p => p.Id),
        (_, true) => q.OrderByDescending(p => p.ProductCode),
        _ => q.OrderBy(p => p.ProductCode),
    };

    private static ProductRow Row(Product p) => new(p.Id, p.ProductCode, p.Barcode, p.Name, p.Category, p.Specification, p.Unit, p.Price.ToYuan(), p.ImageUrl,
        p.Status, p.Status.Label(), p.ErpUpdatedAt, p.UpdatedAt);

    private static SyncRunRow Run(ProductSyncRun r) => new(r.Id, r.Trigger, r.Trigger == ProductSyncTrigger.Manual ? "手动" : "定时", r.TriggeredBy, r.Status,
        r.Status switch { ProductSyncStatus.Running => "进行中", ProductSyncStatus.Succeeded => "成功", _ => "失败" },
        r.StartedAt, r.FinishedAt, r.Pages, r.Created, r.Updated, r.Disabled, r.Unchanged, r.Skipped, r.Error);
}
