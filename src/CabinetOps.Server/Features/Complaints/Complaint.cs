using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CabinetOps.Server.Features.Complaints;

/// <summary>
/// 投诉订单 (DESIGN §5): a customer's complaint on one of their orders, with photos, a response
/// deadline and the conversation between the customer and staff, until staff resolve or reject it.
/// </summary>
public sealed class Complaint
{
    public long Id { get; set; }
    /// <summary><c>TS…</c>, what the customer and staff quote.</summary>
    public required string ComplaintNo { get; set; }
    public long OrderId { get; set; }
    public int CustomerId { get; set; }
    /// <summary>The order's store, for the franchise manager's data scope and the queue's filter.</summary>
    public int StoreId { get; set; }
    public ComplaintType Type { get; set; }
    public ComplaintStatus Status { get; set; }
    public required string Description { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>Staff answer before this (the store's 投诉响应时限 after filing); past it, an alert is raised.</summary>
    public DateTime Deadline { get; set; }
    public int? HandlerId { get; set; }
    public string? HandlerName { get; set; }
    public DateTime? TakenAt { get; set; }
    public DateTime? ClosedAt { get; set; }
    /// <summary>The staff's closing words to the customer (for a rejection, the reason).</summary>
    public string? Resolution { get; set; }
    /// <summary>The order correction that settled it, when one did.</summary>
    public string? CorrectionNo { get; set; }
    public DateTime UpdatedAt { get; set; }
    public List<ComplaintPhoto> Photos { get; } = [];
    public List<ComplaintReply> Replies { get; } = [];

    public bool IsOpen => Status is ComplaintStatus.Pending or ComplaintStatus.Processing;
}

/// <summary>
/// A photo uploaded by a customer, stored by <see cref="IComplaintPhotoStore"/> under its key. It
/// belongs to no complaint until one is filed with it; unused ones are deleted after a day.
/// </summary>
public sealed class ComplaintPhoto
{
    public long Id { get; set; }
    /// <summary><c>p_…</c>: random, what the mini-program sends back and what the signed link names.</summary>
    public required string PhotoId { get; set; }
    public int CustomerId { get; set; }
    public long? ComplaintId { get; set; }
    public required string ContentType { get; set; }
    public long Size { get; set; }
    public DateTime CreatedAt { get; set; }
}

public sealed class ComplaintReply
{
    public long Id { get; set; }
    public long ComplaintId { get; set; }
    public ReplyFrom From { get; set; }
    public required string Text { get; set; }
    public int? StaffId { get; set; }
    public string? StaffName { get; set; }
    public DateTime At { get; set; }
}

public enum ComplaintType
{
    Undercharged = 1,
    Overcharged = 2,
    Product = 3,
    Device = 4,
    Other = 5,
}

public enum ComplaintStatus
{
    Pending = 0,
    Processing = 1,
    Resolved = 2,
    Rejected = 3,
}

public enum ReplyFrom
{
    Customer = 1,
    Staff = 2,
}

public static class ComplaintLabels
{
    public static string Label(this ComplaintType t) => t switch
    {
        ComplaintType.Undercharged => "少扣",
        ComplaintType.Overcharged => "多扣",
        ComplaintType.Product => "商品问题",
        ComplaintType.Device => "设备问题",
        ComplaintType.Other => "其他",
        _ => t.ToString(),
    };

    public static string Label(this ComplaintStatus s) => s switch
    {
        ComplaintStatus.Pending => "待处理",
        ComplaintStatus.Processing => "处理中",
        ComplaintStatus.Resolved => "已解决",
        ComplaintStatus.Rejected => "已驳回",
        _ => s.ToString(),
    };
}

internal sealed class ComplaintConfiguration : IEntityTypeConfiguration<Complaint>
{
    public void Configure(EntityTypeBuilder<Complaint> b)
    {
        b.ToTable("complaints");
        b.Property(x => x.ComplaintNo).HasMaxLength(30);
        b.HasIndex(x => x.ComplaintNo).IsUnique();
        b.Property(x => x.Type).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Description).HasMaxLength(ComplaintRules.MaxText);
        b.Property(x => x.HandlerName).HasMaxLength(50);
        b.Property(x => x.Resolution).HasMaxLength(ComplaintRules.MaxText);
        b.Property(x => x.CorrectionNo).HasMaxLength(60);
        // Two staff acting at once: the second save finds the row changed and is refused, not merged.
        b.Property(x => x.UpdatedAt).IsConcurrencyToken();
        b.HasIndex(x => new { x.CustomerId, x.CreatedAt });
        b.HasIndex(x => new { x.Status, x.Deadline });
        b.HasIndex(x => new { x.StoreId, x.CreatedAt });
        // One open complaint per order, held by the database (two submits at once cannot both pass).
        b.HasIndex(x => x.OrderId).IsUnique().HasFilter("status IN ('Pending', 'Processing')").HasDatabaseName("ux_complaints_open_per_order");
        b.HasIndex(x => new { x.OrderId, x.CreatedAt });
        b.HasMany(x => x.Photos).WithOne().HasForeignKey(x => x.ComplaintId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(x => x.Replies).WithOne().HasForeignKey(x => x.ComplaintId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Orders.Order>().WithMany().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ComplaintPhotoConfiguration : IEntityTypeConfiguration<ComplaintPhoto>
{
    public void Configure(EntityTypeBuilder<ComplaintPhoto> b)
    {
        b.ToTable("complaint_photos");
        b.Property(x => x.PhotoId).HasMaxLength(40);
        b.HasIndex(x => x.PhotoId).IsUnique();
        b.Property(x => x.ContentType).HasMaxLength(30);
        b.HasIndex(x => new { x.ComplaintId, x.CreatedAt });
    }
}

internal sealed class ComplaintReplyConfiguration : IEntityTypeConfiguration<ComplaintReply>
{
    public void Configure(EntityTypeBuilder<ComplaintReply> b)
    {
        b.ToTable("complaint_replies");
        b.Property(x => x.From).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Text).HasMaxLength(ComplaintRules.MaxText);
        b.Property(x => x.StaffName).HasMaxLength(50);
        b.HasIndex(x => new { x.ComplaintId, x.At });
    }
}
