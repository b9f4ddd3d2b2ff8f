using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CabinetOps.Server.Infrastructure.Messaging;

/// <summary>
/// Inbound message log: every push from another system (Xiaomai, WeChat Pay, ERP) is stored here
/// before it is acknowledged (DESIGN §7). The unique (source, message id) makes a repeated push a
/// no-op, and the nonce table below rejects replays across every node.
/// </summary>
public sealed class InboundMessage
{
    public long Id { get; set; }
    public required string Source { get; set; }
    public required string MessageId { get; set; }
    public required string MessageType { get; set; }
    public DateTime ReceivedAt { get; set; }
    public required string Body { get; set; }
    public InboundMessageStatus Status { get; set; }
    public DateTime? ProcessedAt { get; set; }
    public string? Error { get; set; }

    /// <summary>A fresh, unsaved row of this push as it was received (what a handler inserts; the original stays untouched for the fallback).</summary>
    public InboundMessage AsReceived() => new() { Source = Source, MessageId = MessageId, MessageType = MessageType, ReceivedAt = ReceivedAt, Body = Body };
}

public static class InboundMessages
{
    private static readonly CompiledQuery<Func<CabinetOpsDbContext, string, string, CancellationToken, Task<bool>>> Stored =
        new(() => EF.CompileAsyncQuery((CabinetOpsDbContext db, string source, string messageId, CancellationToken _) =>
            db.InboundMessages.Any(m => m.Source == source && m.MessageId == messageId)));

    /// <summary>Whether this push is stored already (every webhook asks, for every push: compiled).</summary>
    public static Task<bool> IsStoredAsync(this CabinetOpsDbContext db, string source, string messageId, CancellationToken ct) =>
        Stored.For(db)(db, source, messageId, ct);
}

public enum InboundMessageStatus
{
    Received = 0,
    Processed = 1,
    Failed = 2,
    /// <summary>Stored and acknowledged, but nothing in CabinetOps acts on it (unknown type, or data that cannot apply).</summary>
    Ignored = 3,
}

/// <summary>A nonce seen within the signature timestamp window; a second use is a replay.</summary>
public sealed class UsedNonce
{
    public required string Source { get; set; }
    public required string Nonce { get; set; }
    public DateTime ExpiresAt { get; set; }
}

internal sealed class InboundMessageConfiguration : IEntityTypeConfiguration<InboundMessage>
{
    public void Configure(EntityTypeBuilder<InboundMessage> b)
    {
        b.ToTable("inbound_messages");
        b.Property(x => x.Source).HasMaxLength(30);
        b.Property(x => x.MessageId).HasMaxLength(100);
        b.Property(x => x.MessageType).HasMaxLength(60);
        b.HasIndex(x => new { x.Source, x.MessageId }).IsUnique();
        b.HasIndex(x => x.ReceivedAt);
    }
}

internal sealed class UsedNonceConfiguration : IEntityTypeConfiguration<UsedNonce>
{
    public void Configure(EntityTypeBuilder<UsedNonce> b)
    {
        b.ToTable("used_nonces");
        b.HasKey(x => new { x.Source, x.Nonce });
        b.Property(x => x.Source).HasMaxLength(30);
        b.Property(x => x.Nonce).HasMaxLength(64);
        b.HasIndex(x => x.ExpiresAt);
    }
}
