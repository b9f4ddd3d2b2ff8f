using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CabinetOps.Server.Features.Audit;

/// <summary>操作日志 — one key operation by a staff member (or the system), with before/after (DESIGN §8).</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTime OccurredAt { get; set; }
    public int? ActorId { get; set; }
    public required string ActorName { get; set; }
    /// <summary>Stable code such as <c>staff.create</c>; the page shows its Chinese label.</summary>
    public required string Action { get; set; }
    public required string TargetType { get; set; }
    public string? TargetId { get; set; }
    public int? StoreId { get; set; }
    public string? Summary { get; set; }
    public string? BeforeJson { get; set; }
    public string? AfterJson { get; set; }
    public string? RemoteIp { get; set; }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("audit_log");
        b.Property(x => x.ActorName).HasMaxLength(50);
        b.Property(x => x.Action).HasMaxLength(60);
        b.Property(x => x.TargetType).HasMaxLength(40);
        b.Property(x => x.TargetId).HasMaxLength(100);
        b.Property(x => x.Summary).HasMaxLength(500);
        b.Property(x => x.RemoteIp).HasMaxLength(64);
        b.HasIndex(x => x.OccurredAt);
        b.HasIndex(x => new { x.Action, x.OccurredAt });
        b.HasIndex(x => new { x.ActorId, x.OccurredAt });
    }
}
