using CabinetOps.Server.Features.Staff;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CabinetOps.Server.Features.Audit;

public sealed record AuditEntryView(long Id, DateTime OccurredAt, string ActorName, string Action, string ActionLabel, string TargetType, string? TargetId, string? Summary, string? BeforeJson, string? AfterJson, string? RemoteIp);

public sealed record AuditLogPage(IReadOnlyList<AuditEntryView> Items, int Total, int Page, int PageSize);

public sealed record AuditLogFilter(string? Actor = null, string? Action = null, DateTime? FromUtc = null, DateTime? ToUtc = null, int Page = 1, int PageSize = 20);

/// <summary>操作日志 list: newest first, filtered by actor, action and time, paged in SQL.</summary>
public sealed class AuditLogQuery(CabinetOpsDbContext db)
{
    public async Task<AuditLogPage> ListAsync(StaffActor viewer, AuditLogFilter filter, CancellationToken ct)
    {
        var page = Math.Max(1, filter.Page);
        var pageSize = Math.Clamp(filter.PageSize, 1, 100);
        var q = db.AuditLog.AsNoTracking();
        // Entries about a store stay within the viewer's store data scope.
        if (!viewer.AllStores)
        {
            var stores = viewer.StoreIds.ToList();
            q = q.Where(e => e.StoreId == null || stores.Contains(e.StoreId.Value));
        }

        if (!string.IsNullOrWhiteSpace(filter.Actor))
            q = q.Where(e => e.ActorName.Contains(filter.Actor.Trim()));
        if (!string.IsNullOrWhiteSpace(filter.Action))
            q = q.Where(e => e.Action == filter.Action);
        if (filter.FromUtc is { } from)
            q = q.Where(e => e.OccurredAt >= from);
        if (filter.ToUtc is { } to)
            q = q.Where(e => e.OccurredAt < to);
        var total = await q.CountAsync(ct);
        var rows = await q.OrderByDescending(e => e.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new AuditLogPage(
            rows.Select(e => new AuditEntryView(e.Id, e.OccurredAt, e.ActorName, e.Action, AuditActions.Label(e.Action), e.TargetType, e.TargetId, e.Summary, e.BeforeJson, e.AfterJson, e.RemoteIp)).ToList(),
            total, page, pageSize);
    }
}

public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/admin/audit-log", (string? actor, string? action, DateTime? from, DateTime? to, int? page, int? pageSize, HttpContext http, AuditLogQuery q, CancellationToken ct) =>
                q.ListAsync(StaffApi.Actor(http), new AuditLogFilter(actor, action, ToUtc(from), ToUtc(to), page ?? 1, pageSize ?? 20), ct))
            .WithTags("Audit").RequireAuthorization(Permissions.AuditView).WithSummary("操作日志；from/to 不带时区时按北京时间");
        return app;
    }

    // A time without an offset is what a user in the venue means: Asia/Shanghai, not the server's zone.
    private static DateTime? ToUtc(DateTime? t) => t switch
    {
        null => null,
        { Kind: DateTimeKind.Utc } utc => utc,
        { Kind: DateTimeKind.Local } local => local.ToUniversalTime(),
        { } unspecified => Infrastructure.Time.ShanghaiTime.ToUtc(unspecified),
    };
}
