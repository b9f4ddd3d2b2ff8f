using CabinetOps.Server.Features.Stores;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CabinetOps.Server.Features.Products;

/// <summary>
/// 商品, mastered by the ERP and copied here by <see cref="ProductSync"/>. <see cref="ProductCode"/>
/// is the <c>sku_code</c> Xiaomai names order lines with. Never deleted: orders point at it.
/// </summary>
public sealed class Product
{
    public int Id { get; set; }
    public required string ProductCode { get; set; }
    public string? Barcode { get; set; }
    public required string Name { get; set; }
    public string? Category { get; set; }
    public string? Specification { get; set; }
    public string? Unit { get; set; }
    public Money Price { get; set; }
    public string? ImageUrl { get; set; }
    public ProductStatus Status { get; set; }
    /// <summary>The ERP's change time of the version we hold.</summary>
    public DateTime ErpUpdatedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public enum ProductStatus
{
    /// <summary>在售: may be sold and charged.</summary>
    OnSale = 1,
    /// <summary>停售 in the ERP.</summary>
    OffSale = 2,
    /// <summary>Deleted in the ERP: disabled here, kept for the orders that name it.</summary>
    Removed = 3,
}

public static class ProductLabels
{
    public static string Label(this ProductStatus s) => s switch
    {
        ProductStatus.OnSale => "在售",
        ProductStatus.OffSale => "停售",
        ProductStatus.Removed => "已删除",
        _ => s.ToString(),
    };
}

/// <summary>A store's own price for a product (optional, audited); otherwise the ERP price applies.</summary>
public sealed class StoreProductPrice
{
    public int StoreId { get; set; }
    public int ProductId { get; set; }
    public Money Price { get; set; }
    public DateTime UpdatedAt { get; set; }
    public string? UpdatedBy { get; set; }
}

/// <summary>One ERP product sync: what it read and changed, or why it failed, and where the next one continues.</summary>
public sealed class ProductSyncRun
{
    public int Id { get; set; }
    /// <summary>Names the run in the work that executes it (the id does not exist before the insert).</summary>
    public Guid Key { get; set; }
    public ProductSyncTrigger Trigger { get; set; }
    public string? TriggeredBy { get; set; }
    public ProductSyncStatus Status { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public int Pages { get; set; }
    public int Created { get; set; }
    public int Updated { get; set; }
    public int Disabled { get; set; }
    public int Unchanged { get; set; }
    /// <summary>ERP records refused as invalid (listed in <see cref="Error"/>); the rest of the run goes on.</summary>
    public int Skipped { get; set; }
    public string? Error { get; set; }
    /// <summary>Change-feed cursor after the last page committed (kept on failure too, so the next run resumes there).</summary>
    public DateTime? CursorUpdatedAt { get; set; }
    public string? CursorCode { get; set; }
}

public enum ProductSyncTrigger
{
    Schedule = 1,
    Manual = 2,
}

public enum ProductSyncStatus
{
    Running = 0,
    Succeeded = 1,
    Failed = 2,
}

internal sealed class ProductConfiguration : IEntityTypeConfiguration<Product>
{
    public void Configure(EntityTypeBuilder<Product> b)
    {
        b.ToTable("products");
        b.Property(x => x.ProductCode).HasMaxLength(32);
        b.HasIndex(x => x.ProductCode).IsUnique();
        b.Property(x => x.Barcode).HasMaxLength(32);
        b.HasIndex(x => x.Barcode);
        b.Property(x => x.Name).HasMaxLength(128);
        b.Property(x => x.Category).HasMaxLength(50);
        b.HasIndex(x => x.Category);
        b.Property(x => x.Specification).HasMaxLength(100);
        b.Property(x => x.Unit).HasMaxLength(20);
        b.Property(x => x.ImageUrl).HasMaxLength(500);
        b.ToTable(t => t.HasCheckConstraint("ck_products_price", "price >= 0"));
    }
}

internal sealed class StoreProductPriceConfiguration : IEntityTypeConfiguration<StoreProductPrice>
{
    public void Configure(EntityTypeBuilder<StoreProductPrice> b)
    {
        b.ToTable("store_product_prices");
        b.HasKey(x => new { x.StoreId, x.ProductId });
        b.HasOne<Store>().WithMany().HasForeignKey(x => x.StoreId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => x.ProductId);
        b.Property(x => x.UpdatedBy).HasMaxLength(50);
        b.ToTable(t => t.HasCheckConstraint("ck_store_product_prices_price", "price >= 0"));
    }
}

internal sealed class ProductSyncRunConfiguration : IEntityTypeConfiguration<ProductSyncRun>
{
    public void Configure(EntityTypeBuilder<ProductSyncRun> b)
    {
        b.ToTable("product_sync_runs");
        b.Property(x => x.TriggeredBy).HasMaxLength(50);
        b.Property(x => x.Error).HasMaxLength(1000);
        b.Property(x => x.CursorCode).HasMaxLength(32);
        b.HasIndex(x => x.StartedAt);
        b.HasIndex(x => x.Key).IsUnique();
        // At most one running sync in the whole cluster: a second start fails on this index.
        b.HasIndex(x => x.Status).IsUnique().HasFilter("status = 0").HasDatabaseName("ux_product_sync_runs_running");
    }
}
