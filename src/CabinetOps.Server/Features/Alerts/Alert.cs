using CabinetOps.Server.Features.Staff;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CabinetOps.Server.Features.Alerts;

/// <summary>
/// 告警 (DESIGN §9): something staff must look at, raised by the system (a complaint past its
/// deadline, …). One alert per kind and subject: raising it again while it is open changes nothing,
/// so a check that runs every minute does not flood the board.
/// </summary>
public sealed class Alert
{
    public long Id { get; set; }
    /// <summary>Stable code such as <c>complaint.overdue</c>.</summary>
    public required string Kind { get; set; }
    /// <summary>What it is about, e.g. the complaint number; with the kind, unique.</summary>
    public required string Subject { get; set; }
    public required string Title { get; set; }
    public string? Detail { get; set; }
    public int? StoreId { get; set; }
    /// <summary>Where in the admin to act on it.</summary>
    public string? Link { get; set; }
    public DateTime RaisedAt { get; set; }
    public DateTime? AcknowledgedAt { get; set; }
    public string? AcknowledgedBy { get; set; }
}

internal sealed class AlertConfiguration : IEntityTypeConfiguration<Alert>
{
    public void Configure(EntityTypeBuilder<Alert> b)
    {
        b.ToTable("alerts");
        b.Property(x => x.Kind).HasMaxLength(40);
        b.Property(x => x.Subject).HasMaxLength(60);
        b.Property(x => x.Title).HasMaxLength(200);
        b.Property(x => x.Detail).HasMaxLength(500);
        b.Property(x => x.Link).HasMaxLength(200);
        b.Property(x => x.AcknowledgedBy).HasMaxLength(50);
        b.HasIndex(x => new { x.Kind, x.Subject }).IsUnique();
        b.HasIndex(x => new { x.AcknowledgedAt, x.RaisedAt });
    }
}

public sealed record AlertView(long Id, string Kind, string Title, string? Detail, string? Link, DateTime RaisedAt, DateTime? AcknowledgedAt, string? AcknowledgedBy);

public sealed class AlertBoard(CabinetOpsDbContext db, TimeProvider clock, ILogger<AlertBoard> logger)
{
    /// <summary>Raises the alert unless one of this kind and subject exists already (true when raised now).</summary>
    public async Task<bool> RaiseAsync(string kind, string subject, string title, string? detail, int? storeId, string? link, CancellationToken ct)
    {
        if (await db.Alerts.AnyAsync(a => a.Kind == kind && a.Subject == subject, ct))
            return false;
        db.Alerts.Add(new Alert { Kind = kind, Subject = subject, Title = title, Detail = detail, StoreId = storeId, Link = link, RaisedAt = clock.GetUtcNow().UtcDateTime });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another node raised it in the same moment: the unique index kept one.
            db.ChangeTracker.Clear();
            return false;
        }

        logger.LogWarning("Alert {Kind} {Subject}: {Title}", kind, subject, title);
        return true;
    }

    /// <summary>Open alerts (not acknowledged), newest first, within the actor's stores; system-wide ones are seen by all.</summary>
    public async Task<IReadOnlyList<AlertView>> OpenAsync(StaffActor actor, CancellationToken ct)
    {
        var scope = actor.StoreIds.ToList();
        return await db.Alerts.AsNoTracking()
            .Where(a => a.AcknowledgedAt == null && (actor.AllStores || a.StoreId == null || scope.Contains(a.StoreId.Value)))
            .OrderByDescending(a => a.RaisedAt).Take(200)
            .Select(a => new AlertView(a.Id, a.Kind, a.Title, a.Detail, a.Link, a.RaisedAt, a.AcknowledgedAt, a.AcknowledgedBy)).ToListAsync(ct);
    }

    public async Task<Result<AlertView>> AcknowledgeAsync(StaffActor actor, long id, CancellationToken ct)
    {
        var alert = await db.Alerts.SingleOrDefaultAsync(a => a.Id == id, ct);
        if (alert is null || !(actor.AllStores || alert.StoreId is null || actor.StoreIds.Contains(alert.StoreId.Value)))
            return Problem.NotFound("告警");
        if (alert.AcknowledgedAt is null)
        {
            alert.AcknowledgedAt = clock.GetUtcNow().UtcDateTime;
            alert.AcknowledgedBy = actor.Name;
            await db.SaveChangesAsync(ct);
        }

        return new AlertView(alert.Id, alert.Kind, alert.Title, alert.Detail, alert.Link, alert.RaisedAt, alert.AcknowledgedAt, alert.AcknowledgedBy);
    }
}

public static class AlertsApi
{
    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/admin/alerts").WithTags("Alerts").RequireAuthorization(Permissions.DashboardView);
        g.MapGet("/", async Task<Ok<IReadOnlyList<AlertView>>> (HttpContext http, AlertBoard board, CancellationToken ct) =>
                TypedResults.Ok(await board.OpenAsync(StaffApi.Actor(http), ct)))
            .WithSummary("未确认的告警（最新在前）");
        g.MapPost("/{id:long}/acknowledge", async Task<Results<Ok<AlertView>, ProblemHttpResult>> (long id, HttpContext http, AlertBoard board, CancellationToken ct) =>
                (await board.AcknowledgeAsync(StaffApi.Actor(http), id, ct)).ToHttp())
            .WithSummary("确认告警（记录确认人）");
        return app;
    }
}
