using CabinetOps.Server.Features.Customers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CabinetOps.Server.Features.Tickets;

/// <summary>
/// One movement of a customer's gift tickets (礼票). Append-only: a balance is the sum of its
/// ledger, and <c>users.ticket_balance</c> is that sum cached in the same transaction (DESIGN §3).
/// </summary>
public sealed class TicketLedgerEntry
{
    public long Id { get; set; }
    public int CustomerId { get; set; }
    public TicketEntryKind Kind { get; set; }
    /// <summary>Signed: positive adds tickets, negative takes them.</summary>
    public long Amount { get; set; }
    public long BalanceAfter { get; set; }
    public required string Reason { get; set; }
    public int? OperatorId { get; set; }
    public required string OperatorName { get; set; }
    public string? RelatedOrderNo { get; set; }
    public DateTime CreatedAt { get; set; }
}

public enum TicketEntryKind
{
    Grant = 1,
    Payment = 2,
    Refund = 3,
    Rollback = 4,
    Adjustment = 5,
}

public static class TicketEntryKindLabels
{
    public static string Label(this TicketEntryKind k) => k switch
    {
        TicketEntryKind.Grant => "发放",
        TicketEntryKind.Payment => "支付",
        TicketEntryKind.Refund => "退款",
        TicketEntryKind.Rollback => "回滚",
        TicketEntryKind.Adjustment => "人工调整",
        _ => k.ToString(),
    };
}

internal sealed class TicketLedgerEntryConfiguration : IEntityTypeConfiguration<TicketLedgerEntry>
{
    public void Configure(EntityTypeBuilder<TicketLedgerEntry> b)
    {
        b.ToTable("ticket_ledger", t => t.HasCheckConstraint("ck_ticket_ledger_balance_after", "balance_after >= 0"));
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Reason).HasMaxLength(200);
        b.Property(x => x.OperatorName).HasMaxLength(50);
        b.Property(x => x.RelatedOrderNo).HasMaxLength(50);
        b.HasIndex(x => new { x.CustomerId, x.Id });
        b.HasIndex(x => x.RelatedOrderNo);
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Restrict);
    }
}
