using CabinetOps.Server.Features.Orders;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CabinetOps.Server.Features.ExceptionOrders;

/// <summary>
/// 异常订单 (DESIGN §5): one case in the review queue. Either the vendor could not settle a session
/// (<c>order.exception</c>: no order exists, staff decide what is charged), or we intercepted an order
/// ourselves (held: 金额超限, unknown product, no session…; or charged but its vendor price differs
/// beyond the threshold). Every step records who, when and why.
/// </summary>
public sealed class ExceptionOrder
{
    public long Id { get; set; }
    /// <summary><c>YC…</c>, what staff quote.</summary>
    public required string CaseNo { get; set; }
    public ExceptionSource Source { get; set; }
    /// <summary>The main reason: the vendor's first reason code (§2.11.2), or ours (<see cref="ExceptionReasons"/>).</summary>
    public required string Reason { get; set; }
    /// <summary>Every reason the vendor gave, most important first (comma-separated).</summary>
    public string? AllReasons { get; set; }
    public string? ReasonDetail { get; set; }
    /// <summary>The vendor's number of the session's settlement (unique per source: a repeated push finds its case).</summary>
    public string? WheatOrderNo { get; set; }
    public long? DoorSessionId { get; set; }
    /// <summary>Our order: the intercepted one, or the one staff charged for a vendor exception.</summary>
    public long? OrderId { get; set; }
    public int DeviceId { get; set; }
    public int StoreId { get; set; }
    public int? CustomerId { get; set; }
    /// <summary>What the cameras suspected (JSON item lines, possibly below the confidence threshold).</summary>
    public string? SuspectedItems { get; set; }
    public Money SuspectedTotal { get; set; }
    /// <summary>The vendor's evidence as sent (videos, images, their links' expiry).</summary>
    public string? Evidence { get; set; }
    public ExceptionStatus Status { get; set; }
    public ExceptionResolution? Resolution { get; set; }
    public string? ResolutionNote { get; set; }
    public int? HandlerId { get; set; }
    public string? HandlerName { get; set; }
    public DateTime? TakenAt { get; set; }
    public DateTime? ResolvedAt { get; set; }
    public DateTime DetectedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public enum ExceptionSource
{
    /// <summary>小麦异常订单推送.</summary>
    Vendor = 1,
    /// <summary>Our own interception of an order.</summary>
    Interception = 2,
}

public enum ExceptionStatus
{
    Pending = 0,
    Processing = 1,
    Resolved = 2,
}

public enum ExceptionResolution
{
    /// <summary>Charged with the items staff saw on the evidence.</summary>
    Charged = 1,
    /// <summary>A held order approved and charged as it is.</summary>
    Approved = 2,
    /// <summary>Closed with no charge.</summary>
    Closed = 3,
    /// <summary>A charged order reviewed and left as it is (price mismatch).</summary>
    Acknowledged = 4,
}

/// <summary>Our own reasons (the vendor's are its §2.11.2 codes).</summary>
public static class ExceptionReasons
{
    public const string PriceMismatch = "PRICE_MISMATCH";

    public static string For(OrderHold hold) => hold switch
    {
        OrderHold.AmountOverLimit => "AMOUNT_OVER_LIMIT",
        OrderHold.ItemCountOverLimit => "ITEM_COUNT_OVER_LIMIT",
        OrderHold.UnknownProduct => "UNKNOWN_PRODUCT",
        OrderHold.VendorDataInvalid => "VENDOR_DATA_INVALID",
        OrderHold.NoSession => "NO_SESSION",
        _ => hold.ToString(),
    };

    public static readonly IReadOnlyDictionary<string, string> Labels = new Dictionary<string, string>
    {
        ["AMOUNT_OVER_LIMIT"] = "金额超限",
        ["ITEM_COUNT_OVER_LIMIT"] = "数量超限",
        ["UNKNOWN_PRODUCT"] = "未知商品",
        ["VENDOR_DATA_INVALID"] = "小麦订单数据异常",
        ["NO_SESSION"] = "无对应开门会话",
        [PriceMismatch] = "价格不符",
        ["RECOGNITION_FAILED"] = "识别失败",
        ["LOW_CONFIDENCE"] = "识别置信度低",
        ["UNKNOWN_ITEM"] = "未登记商品",
        ["UNFRIENDLY_OPERATION"] = "非友好购物",
        ["FOREIGN_OBJECT"] = "放入异物",
        ["DOOR_NOT_CLOSED"] = "柜门未关",
        ["LOCK_FAULT"] = "门锁故障",
        ["VIDEO_MISSING"] = "视频缺失",
        ["CAMERA_FAULT"] = "摄像头故障",
        ["NETWORK_LOST"] = "设备断网",
        ["DEVICE_RESTARTED"] = "设备重启",
        ["SESSION_TIMEOUT"] = "识别超时",
        ["MANUAL_REVIEW_REQUIRED"] = "小麦人工复核",
        ["OTHER"] = "其他",
    };

    public static string Label(string code) => Labels.TryGetValue(code, out var l) ? l : code;
}

public static class ExceptionLabels
{
    public static string Label(this ExceptionStatus s) => s switch
    {
        ExceptionStatus.Pending => "待处理",
        ExceptionStatus.Processing => "处理中",
        ExceptionStatus.Resolved => "已处理",
        _ => s.ToString(),
    };

    public static string Label(this ExceptionResolution r) => r switch
    {
        ExceptionResolution.Charged => "按核实商品收费",
        ExceptionResolution.Approved => "原样通过并收费",
        ExceptionResolution.Closed => "关闭，不收费",
        ExceptionResolution.Acknowledged => "已核实，无需处理",
        _ => r.ToString(),
    };

    public static string Label(this ExceptionSource s) => s == ExceptionSource.Vendor ? "小麦异常推送" : "系统拦截";
}

internal sealed class ExceptionOrderConfiguration : IEntityTypeConfiguration<ExceptionOrder>
{
    public void Configure(EntityTypeBuilder<ExceptionOrder> b)
    {
        b.ToTable("exception_orders");
        b.Property(x => x.CaseNo).HasMaxLength(30);
        b.HasIndex(x => x.CaseNo).IsUnique();
        b.Property(x => x.Source).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Reason).HasMaxLength(40);
        b.Property(x => x.AllReasons).HasMaxLength(400);
        b.Property(x => x.ReasonDetail).HasMaxLength(500);
        b.Property(x => x.WheatOrderNo).HasMaxLength(50);
        // A repeated push (or the same exception fetched by a query) finds its case: one per vendor settlement…
        b.HasIndex(x => new { x.Source, x.WheatOrderNo }).IsUnique();
        // …and one per order of ours.
        b.HasIndex(x => x.OrderId).IsUnique();
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Resolution).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.ResolutionNote).HasMaxLength(500);
        b.Property(x => x.HandlerName).HasMaxLength(50);
        // Two staff resolving at once: the second save finds the row changed.
        b.Property(x => x.UpdatedAt).IsConcurrencyToken();
        b.HasIndex(x => new { x.Status, x.DetectedAt });
        b.HasIndex(x => new { x.StoreId, x.Status });
    }
}
