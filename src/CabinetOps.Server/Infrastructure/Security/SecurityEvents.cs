using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CabinetOps.Server.Infrastructure.Security;

/// <summary>
/// A refused server-to-server call (bad signature, stale timestamp, replayed nonce…). Kept apart
/// from the staff audit log: its volume is set by whoever is probing us, and the alert on repeated
/// failures from one source (DESIGN §8) counts these rows.
/// </summary>
public sealed class SecurityEvent
{
    public long Id { get; set; }
    public DateTime OccurredAt { get; set; }
    public required string Source { get; set; }
    public required string Code { get; set; }
    public string? RemoteIp { get; set; }
    public string? Detail { get; set; }
}

internal sealed class SecurityEventConfiguration : IEntityTypeConfiguration<SecurityEvent>
{
    public void Configure(EntityTypeBuilder<SecurityEvent> b)
    {
        b.ToTable("security_events");
        b.Property(x => x.Source).HasMaxLength(30);
        b.Property(x => x.Code).HasMaxLength(40);
        b.Property(x => x.RemoteIp).HasMaxLength(64);
        b.Property(x => x.Detail).HasMaxLength(500);
        b.HasIndex(x => new { x.Source, x.OccurredAt });
    }
}

public sealed class SecurityEventLog(CabinetOpsDbContext db, TimeProvider clock, ILogger<SecurityEventLog> logger)
{
    public async Task RecordAsync(string source, string code, string? remoteIp, string? detail, CancellationToken ct)
    {
        logger.LogWarning("Security event from {Source}: {Code} ({Detail}) from {RemoteIp}", source, code, detail, remoteIp);
        db.SecurityEvents.Add(new SecurityEvent
        {
            OccurredAt = clock.GetUtcNow().UtcDateTime,
            Source = source,
            Code = code,
            RemoteIp = remoteIp,
            Detail = detail is { Length: > 500 } ? detail[..500] : detail,
        });
        await db.SaveChangesAsync(ct);
    }
}
