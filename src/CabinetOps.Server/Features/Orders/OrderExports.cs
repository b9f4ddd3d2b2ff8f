using System.Text.Json;
using CabinetOps.Server.Features.Staff;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Messaging;
using CabinetOps.Server.Infrastructure.Persistence;
using CabinetOps.Server.Infrastructure.Time;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MiniExcelLibs;

namespace CabinetOps.Server.Features.Orders;

/// <summary>
/// An Excel export of the filtered order list, written in the background (it can be hundreds of
/// thousands of rows): the row says how far it got, the file is written to the data folder and
/// downloaded by whoever asked for it. The filter and the requester's store scope are kept, so the
/// export contains exactly what the list showed them.
/// </summary>
public sealed class OrderExport
{
    public Guid Id { get; set; }
    public int? RequestedById { get; set; }
    public required string RequestedBy { get; set; }
    /// <summary>The list filter, as JSON.</summary>
    public required string Filter { get; set; }
    /// <summary>The requester's stores as JSON, or null for every store.</summary>
    public string? StoreScope { get; set; }
    public OrderExportStatus Status { get; set; }
    public int RowsWritten { get; set; }
    public int? TotalRows { get; set; }
    public string? Error { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
}

public enum OrderExportStatus
{
    Queued = 0,
    Running = 1,
    Succeeded = 2,
    Failed = 3,
}

internal sealed class OrderExportConfiguration : IEntityTypeConfiguration<OrderExport>
{
    public void Configure(EntityTypeBuilder<OrderExport> b)
    {
        b.ToTable("order_exports");
        b.Property(x => x.RequestedBy).HasMaxLength(100);
        b.Property(x => x.Filter).HasMaxLength(4000);
        b.Property(x => x.StoreScope).HasMaxLength(4000);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Error).HasMaxLength(200);
        b.HasIndex(x => new { x.RequestedById, x.CreatedAt });
    }
}

/// <summary>Durable work: write one export's file.</summary>
public sealed record WriteOrderExport(Guid ExportId) : IExternalWork
{
    public string Describe() => $"导出订单 Excel（{ExportId}）";
}

public sealed record OrderExportView(Guid Id, OrderExportStatus Status, string StatusLabel, int RowsWritten, int? TotalRows, string? Error, DateTime CreatedAt,
    DateTime? FinishedAt, string? DownloadUrl);

public sealed class OrderExports(IServiceScopeFactory scopes, DataPaths paths, TimeProvider clock, ILogger<OrderExports> logger)
{
    /// <summary>An .xlsx sheet holds 1,048,576 rows; an export is not a backup.</summary>
    public const int MaxRows = 1_000_000;

    private const int Batch = 2_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<Result<OrderExportView>> StartAsync(StaffActor actor, OrderListFilter filter, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var work = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
        var export = new OrderExport
        {
            Id = Guid.NewGuid(),
            RequestedById = actor.Id,
            RequestedBy = actor.Name,
            Filter = JsonSerializer.Serialize(filter with { Page = 1, PageSize = 1 }, Json),
            StoreScope = actor.AllStores ? null : JsonSerializer.Serialize(actor.StoreIds.Order().ToArray()),
            Status = OrderExportStatus.Queued,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        work.Db.Add(export);
        await work.EnqueueAsync(new WriteOrderExport(export.Id));
        await work.CommitAsync(ct);
        return View(export);
    }

    public async Task<Result<OrderExportView>> GetAsync(StaffActor actor, Guid id, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var export = await scope.ServiceProvider.GetRequiredService<CabinetOpsDbContext>().Set<OrderExport>().AsNoTracking()
            .FirstOrDefaultAsync(e => e.Id == id && e.RequestedById == actor.Id, ct);
        return export is null ? Problem.NotFound("导出任务") : View(export);
    }

    /// <summary>The finished file, for the one who asked for it.</summary>
    public async Task<Result<(string Path, string Name)>> FileAsync(StaffActor actor, Guid id, CancellationToken ct)
    {
        var view = await GetAsync(actor, id, ct);
        if (!view.IsSuccess)
            return view.Problem!;
        if (view.Value!.Status != OrderExportStatus.Succeeded)
            return Problem.Conflict("export-not-ready", "导出尚未完成");
        var path = FilePath(id);
        if (!File.Exists(path))
            return Problem.NotFound("导出文件");
        return (path, $"订单_{ShanghaiTime.FromUtc(view.Value.CreatedAt):yyyyMMddHHmm}.xlsx");
    }

    /// <summary>
    /// Writes the file row by row in batches (newest first, keyset on order time and id, so a deep
    /// export costs the same per row as the first page), saving the progress after each batch in a
    /// short unit of its own so the page can show it while the file grows.
    /// </summary>
    public async Task WriteAsync(Guid id, CancellationToken ct)
    {
        OrderExport export;
        OrderListFilter filter;
        StaffActor actor;
        int total;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CabinetOpsDbContext>();
            export = await db.Set<OrderExport>().SingleAsync(e => e.Id == id, ct);
            if (export.Status is OrderExportStatus.Succeeded or OrderExportStatus.Failed)
                return;
            filter = JsonSerializer.Deserialize<OrderListFilter>(export.Filter, Json)!;
            var stores = export.StoreScope is null ? [] : JsonSerializer.Deserialize<int[]>(export.StoreScope)!;
            actor = new StaffActor(export.RequestedById, export.RequestedBy, "", export.StoreScope is null, stores.ToHashSet(), new HashSet<string>());
            total = await scope.ServiceProvider.GetRequiredService<OrderAdmin>().CountAsync(actor, filter, ct);
            export.Status = total > MaxRows ? OrderExportStatus.Failed : OrderExportStatus.Running;
            export.TotalRows = total;
            export.RowsWritten = 0;
            export.Error = total > MaxRows ? $"共 {total} 行，超过 {MaxRows} 行上限，请缩小筛选范围" : null;
            export.FinishedAt = total > MaxRows ? clock.GetUtcNow().UtcDateTime : null;
            await db.SaveChangesAsync(ct);
            if (export.Status == OrderExportStatus.Failed)
                return;
        }

        var path = FilePath(id);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var written = 0;
        await using (var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None))
        {
            await file.SaveAsAsync(Rows(id, actor, filter, n => written = n, ct), sheetName: "订单", cancellationToken: ct);
        }

        await ProgressAsync(id, written, OrderExportStatus.Succeeded, ct);
        logger.LogInformation("Order export {ExportId} wrote {Rows} rows", id, written);
    }

    /// <summary>The rows, read batch by batch as the writer asks for them (the writer's API is synchronous; this runs on a worker).</summary>
    private IEnumerable<IDictionary<string, object?>> Rows(Guid id, StaffActor actor, OrderListFilter filter, Action<int> counted, CancellationToken ct)
    {
        var written = 0;
        (DateTime Time, long Id)? after = null;
        while (true)
        {
            List<OrderRow> batch;
            using (var scope = scopes.CreateScope())
                batch = scope.ServiceProvider.GetRequiredService<OrderAdmin>().BatchAsync(actor, filter, after, Batch, ct).GetAwaiter().GetResult();
            foreach (var r in batch)
            {
                yield return new Dictionary<string, object?>
                {
                    ["订单号"] = r.OrderNo,
                    ["小麦订单号"] = r.WheatOrderNo,
                    ["下单时间"] = ShanghaiTime.Format(r.OrderTime),
                    ["门店"] = r.StoreName,
                    ["设备"] = r.DeviceCode,
                    ["商品"] = r.ItemsSummary,
                    ["件数"] = r.ItemCount,
                    ["订单金额（元）"] = r.TotalAmount,
                    ["微信支付（元）"] = r.WxPaymentAmount,
                    ["礼票（张）"] = r.TicketPaymentAmount,
                    ["支付方式"] = r.PaymentType == PaymentType.Tickets ? "礼票" : "微信",
                    ["状态"] = r.StatusLabel,
                    ["拦截原因"] = r.HoldLabel,
                    ["价格不符"] = r.PriceMismatch ? "是" : "",
                    ["支付时间"] = r.PaymentTime is { } t ? ShanghaiTime.Format(t) : null,
                };
            }

            written += batch.Count;
            counted(written);
            if (batch.Count < Batch)
                yield break;
            ProgressAsync(id, written, null, ct).GetAwaiter().GetResult();
            after = (batch[^1].OrderTime, batch[^1].Id);
        }
    }

    private async Task ProgressAsync(Guid id, int rows, OrderExportStatus? done, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CabinetOpsDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        if (done is { } status)
            await db.Set<OrderExport>().Where(e => e.Id == id)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.RowsWritten, rows).SetProperty(e => e.Status, status).SetProperty(e => e.FinishedAt, now), ct);
        else
            await db.Set<OrderExport>().Where(e => e.Id == id).ExecuteUpdateAsync(s => s.SetProperty(e => e.RowsWritten, rows), ct);
    }

    private string FilePath(Guid id) => Path.Combine(paths.Root, "exports", $"orders-{id:N}.xlsx");

    private static OrderExportView View(OrderExport e) => new(e.Id, e.Status, e.Status switch
        {
            OrderExportStatus.Queued => "排队中",
            OrderExportStatus.Running => "导出中",
            OrderExportStatus.Succeeded => "已完成",
            _ => "失败",
        }, e.RowsWritten, e.TotalRows, e.Error, e.CreatedAt, e.FinishedAt,
        e.Status == OrderExportStatus.Succeeded ? $"/api/admin/orders/exports/{e.Id}/file" : null);
}

public static class WriteOrderExportHandler
{
    public static Task Handle(WriteOrderExport message, OrderExports exports, CancellationToken ct) => exports.WriteAsync(message.ExportId, ct);
}
