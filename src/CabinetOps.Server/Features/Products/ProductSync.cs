using CabinetOps.Server.Infrastructure.Messaging;
using CabinetOps.Server.Infrastructure.Persistence;
using CabinetOps.Server.Integrations.Erp;
using Microsoft.EntityFrameworkCore;

namespace CabinetOps.Server.Features.Products;

/// <summary>Section <c>ProductSync</c>.</summary>
public sealed class ProductSyncOptions
{
    public const string Section = "ProductSync";

    /// <summary>How often the scheduled sync runs (default every 10 minutes); zero turns the schedule off.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A run still "running" after this long was cut short by a stopped node and no longer blocks new runs.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromMinutes(30);
}

/// <summary>Durable work: run a sync started on demand (立即同步) in the background.</summary>
public sealed record RunProductSync(Guid RunKey) : IExternalWork
{
    public string Describe() => "ERP 商品同步（立即同步）";
}

/// <summary>
/// Pulls product changes from the ERP (incremental by change time, keyset pages) into
/// <c>products</c>. Each page is committed with the run's counters and cursor, so a failure half
/// way keeps what was read and the next run resumes from there. ERP outages fail the run visibly;
/// they are not retried here because the next run catches up.
/// </summary>
public sealed class ProductSync(CabinetOpsDbContext db, ErpClient erp, Microsoft.Extensions.Options.IOptions<ProductSyncOptions> options, TimeProvider clock,
    ILogger<ProductSync> logger)
{
    public const string JobName = "erp-product-sync";

    /// <summary>
    /// Records a new running run, or returns null while another one is running anywhere in the
    /// cluster. With a unit of work, the run is committed together with the work that executes it.
    /// </summary>
    public async Task<ProductSyncRun?> StartAsync(ProductSyncTrigger trigger, string? triggeredBy, UnitOfWork? work, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var staleBefore = now - options.Value.StaleAfter;
        await db.ProductSyncRuns.Where(r => r.Status == ProductSyncStatus.Running && r.StartedAt < staleBefore).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, ProductSyncStatus.Failed)
            .SetProperty(r => r.FinishedAt, now)
            .SetProperty(r => r.Error, "同步中断（服务节点停止），已由下一次同步接续"), ct);
        var context = work?.Db ?? db;
        var run = new ProductSyncRun { Key = Guid.NewGuid(), Trigger = trigger, TriggeredBy = triggeredBy, Status = ProductSyncStatus.Running, StartedAt = now };
        context.ProductSyncRuns.Add(run);
        try
        {
            if (work is null)
            {
                await context.SaveChangesAsync(ct);
            }
            else
            {
                await work.EnqueueAsync(new RunProductSync(run.Key));
                await work.CommitAsync(ct);
            }
        }
        catch (DbUpdateException)
        {
            context.Entry(run).State = EntityState.Detached;
            return null;
        }

        return run;
    }

    public async Task ExecuteAsync(Guid runKey, CancellationToken ct)
    {
        var run = await db.ProductSyncRuns.SingleAsync(r => r.Key == runKey, ct);
        var runId = run.Id;
        if (run.Status != ProductSyncStatus.Running)
            return;
        var cursor = await StartingCursorAsync(run, ct);
        var invalid = new List<string>();
        try
        {
            while (true)
            {
                var page = await erp.ChangesAsync(cursor, ct);
                await ApplyPageAsync(run, page.Items, invalid, ct);
                if (page.Items.Count > 0)
                {
                    var last = page.Items[^1];
                    cursor = new ErpCursor(last.UpdatedAt, last.Code);
                    run.CursorUpdatedAt = last.UpdatedAt.UtcDateTime;
                    run.CursorCode = last.Code;
                }

                run.Pages++;
                await db.SaveChangesAsync(ct);
                if (!page.HasMore || page.Items.Count == 0)
                    break;
            }

            run.Status = ProductSyncStatus.Succeeded;
            run.Error = invalid.Count == 0 ? null : Truncate("跳过无效商品：" + string.Join("；", invalid));
        }
        catch (ErpException ex)
        {
            logger.LogWarning("ERP product sync {RunId} failed: {Error}", runId, ex.Message);
            run.Status = ProductSyncStatus.Failed;
            run.Error = Truncate(ex.Message);
        }

        run.FinishedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(CancellationToken.None);
        logger.LogInformation("ERP product sync {RunId} {Status}: {Created} created, {Updated} updated, {Disabled} disabled, {Skipped} skipped in {Pages} pages",
            runId, run.Status, run.Created, run.Updated, run.Disabled, run.Skipped, run.Pages);
    }

    /// <summary>The cursor of the latest run that got anywhere (successful or not); none = a full sync.</summary>
    private async Task<ErpCursor?> StartingCursorAsync(ProductSyncRun run, CancellationToken ct)
    {
        if (run.CursorUpdatedAt is { } resumed)
            return new ErpCursor(new DateTimeOffset(resumed, TimeSpan.Zero), run.CursorCode!);
        var previous = await db.ProductSyncRuns.AsNoTracking().Where(r => r.Id != run.Id && r.CursorUpdatedAt != null)
            .OrderByDescending(r => r.CursorUpdatedAt).ThenByDescending(r => r.CursorCode).FirstOrDefaultAsync(ct);
        return previous is null ? null : new ErpCursor(new DateTimeOffset(previous.CursorUpdatedAt!.Value, TimeSpan.Zero), previous.CursorCode!);
    }

    private async Task ApplyPageAsync(ProductSyncRun run, IReadOnlyList<ErpProduct> items, List<string> invalid, CancellationToken ct)
    {
        var codes = items.Select(i => i.Code).Distinct().ToList();
        var existing = await db.Products.Where(p => codes.Contains(p.ProductCode)).ToDictionaryAsync(p => p.ProductCode, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var item in items)
        {
            if (Invalid(item) is { } why)
            {
                run.Skipped++;
                invalid.Add($"{(item.Code.Length > 40 ? item.Code[..40] : item.Code)}（{why}）");
                continue;
            }

            existing.TryGetValue(item.Code, out var product);
            if (product is null)
            {
                // A product deleted before we ever saw it has nothing to keep.
                if (item.Deleted)
                {
                    run.Unchanged++;
                    continue;
                }

                product = new Product { ProductCode = item.Code, Name = item.Name, CreatedAt = now };
                Copy(item, product, now);
                db.Products.Add(product);
                existing[item.Code] = product;
                run.Created++;
                continue;
            }

            // An older version than ours (a replay of the feed) never overwrites a newer one.
            if (item.UpdatedAt.UtcDateTime < product.ErpUpdatedAt)
            {
                run.Unchanged++;
                continue;
            }

            var wasRemoved = product.Status == ProductStatus.Removed;
            var before = (product.Barcode, product.Name, product.Category, product.Specification, product.Unit, product.Price, product.ImageUrl, product.Status);
            Copy(item, product, now);
            var after = (product.Barcode, product.Name, product.Category, product.Specification, product.Unit, product.Price, product.ImageUrl, product.Status);
            if (before == after)
                run.Unchanged++;
            else if (product.Status == ProductStatus.Removed && !wasRemoved)
                run.Disabled++;
            else
                run.Updated++;
        }
    }

    private static void Copy(ErpProduct item, Product product, DateTime now)
    {
        if (!item.Deleted)
        {
            product.Barcode = Blank(item.Barcode);
            product.Name = item.Name.Trim();
            product.Category = Blank(item.Category);
            product.Specification = Blank(item.Specification);
            product.Unit = Blank(item.Unit);
            product.Price = new Money(item.PriceFen);
            product.ImageUrl = Blank(item.ImageUrl);
        }

        product.Status = item.Deleted ? ProductStatus.Removed : item.Status == "ON_SALE" ? ProductStatus.OnSale : ProductStatus.OffSale;
        product.ErpUpdatedAt = item.UpdatedAt.UtcDateTime;
        product.UpdatedAt = now;
    }

    private static string? Invalid(ErpProduct p)
    {
        if (p.Code.Length is 0 or > 32 || p.Code.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            return "商品编码须为 1-32 位字母、数字、_ 或 -";
        if (p.Deleted)
            return null;
        if (string.IsNullOrWhiteSpace(p.Name) || p.Name.Length > 128)
            return "商品名称为空或超过 128 字";
        if (p.PriceFen is < 0 or > 9_999_999_999)
            return "价格超出范围";
        if (p.Status is not ("ON_SALE" or "OFF_SALE"))
            return $"未知状态 {p.Status}";
        if (p.Barcode?.Length > 32 || p.Category?.Length > 50 || p.Specification?.Length > 100 || p.Unit?.Length > 20 || p.ImageUrl?.Length > 500)
            return "字段超长";
        return null;
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static string Truncate(string s) => s.Length > 1000 ? s[..1000] : s;
}

public static class RunProductSyncHandler
{
    public static Task Handle(RunProductSync message, ProductSync sync, CancellationToken ct) => sync.ExecuteAsync(message.RunKey, ct);
}
