using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CabinetOps.Server.Features.Orders;

/// <summary>
/// 订单修正 — one change of an order's items by staff, with its before and after kept whole and the
/// money it moved. Its number names what it causes (<c>{correction_no}-R{payment}</c> refunds, one 补扣
/// order), so whatever runs it again finds them instead of moving money twice. A refund above the
/// approval threshold waits for a second person with the finance permission.
/// </summary>
public sealed class OrderCorrection
{
    public long Id { get; set; }
    public long OrderId { get; set; }
    /// <summary>1, 2, … per order: a correction can be corrected again and the chain reads in order.</summary>
    public int Seq { get; set; }
    /// <summary><c>{order_no}-C{seq}</c>.</summary>
    public required string CorrectionNo { get; set; }
    /// <summary>The staff page's id for one confirm: a double click or a retry finds this row (unique).</summary>
    public Guid RequestId { get; set; }
    public CorrectionStatus Status { get; set; }
    public required string Reason { get; set; }
    public Money BeforeTotal { get; set; }
    public Money AfterTotal { get; set; }
    /// <summary>The lines before and after, as JSON of <see cref="CorrectionLine"/>.</summary>
    public required string BeforeLines { get; set; }
    public required string AfterLines { get; set; }
    /// <summary>Refunded by this correction (set when applied; while pending, what it would refund).</summary>
    public Money RefundAmount { get; set; }
    public Money SupplementaryAmount { get; set; }
    public string? SupplementaryOrderNo { get; set; }
    public int? RequestedById { get; set; }
    public required string RequestedByName { get; set; }
    public DateTime RequestedAt { get; set; }
    public int? ReviewedById { get; set; }
    public string? ReviewedByName { get; set; }
    public DateTime? ReviewedAt { get; set; }
    /// <summary>The approver's or rejecter's words.</summary>
    public string? ReviewNote { get; set; }
    public DateTime? AppliedAt { get; set; }
}

public enum CorrectionStatus
{
    /// <summary>待审批: the refund is above the threshold; nothing has changed on the order yet.</summary>
    PendingApproval = 0,
    Applied = 1,
    Rejected = 2,
}

public static class CorrectionStatusLabels
{
    public static string Label(this CorrectionStatus s) => s switch
    {
        CorrectionStatus.PendingApproval => "待审批",
        CorrectionStatus.Applied => "已生效",
        CorrectionStatus.Rejected => "已驳回",
        _ => s.ToString(),
    };
}

internal sealed class OrderCorrectionConfiguration : IEntityTypeConfiguration<OrderCorrection>
{
    public void Configure(EntityTypeBuilder<OrderCorrection> b)
    {
        b.ToTable("order_corrections");
        b.Property(x => x.CorrectionNo).HasMaxLength(60);
        b.HasIndex(x => x.CorrectionNo).IsUnique();
        b.HasIndex(x => x.RequestId).IsUnique();
        b.HasIndex(x => new { x.OrderId, x.Seq }).IsUnique();
        b.HasIndex(x => new { x.Status, x.RequestedAt });
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Reason).HasMaxLength(CorrectionRules.MaxReason);
        b.Property(x => x.RequestedByName).HasMaxLength(50);
        b.Property(x => x.ReviewedByName).HasMaxLength(50);
        b.Property(x => x.ReviewNote).HasMaxLength(CorrectionRules.MaxReason);
        b.Property(x => x.SupplementaryOrderNo).HasMaxLength(50);
        b.HasOne<Order>().WithMany().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Restrict);
    }
}
