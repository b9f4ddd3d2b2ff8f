using CabinetOps.Server.Features.Customers;
using CabinetOps.Server.Features.Devices;
using CabinetOps.Server.Features.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CabinetOps.Server.Features.Orders;

internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> b)
    {
        b.ToTable("orders");
        b.Property(x => x.OrderNo).HasMaxLength(50);
        b.HasIndex(x => x.OrderNo).IsUnique();
        b.Property(x => x.UserPhone).HasMaxLength(200);
        b.Property(x => x.PaymentType).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.OrderType).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.WheatOrderNo).HasMaxLength(50);
        b.HasIndex(x => x.WheatOrderNo).IsUnique();
        b.Property(x => x.RelatedOrderNo).HasMaxLength(50);
        b.Property(x => x.PayScoreOutOrderNo).HasMaxLength(32);
        // USER_PAID names the service order: it finds a 补扣 by this number.
        b.HasIndex(x => x.PayScoreOutOrderNo).IsUnique();
        // The admin order list pages newest first (order time, then id) over millions of rows, with
        // one filter or several (DESIGN §11 targets, bench/order-list.sh). Each filter that can be
        // rare or match nothing leads an index in list order, so a page never scans the table: a
        // status nobody has (e.g. 已取消) answers as fast as a common one.
        b.HasIndex(x => new { x.OrderTime, x.Id });
        b.HasIndex(x => new { x.StoreId, x.OrderTime, x.Id });
        b.HasIndex(x => new { x.DeviceId, x.OrderTime, x.Id });
        b.HasIndex(x => new { x.UserId, x.OrderTime, x.Id });
        b.HasIndex(x => new { x.PaymentStatus, x.OrderTime, x.Id });
        b.HasIndex(x => new { x.OrderType, x.OrderTime, x.Id });
        b.HasIndex(x => new { x.OrderTime, x.Id }, "ix_orders_held_order_time_id").HasFilter("hold IS NOT NULL");
        b.HasOne<Device>().WithMany().HasForeignKey(x => x.DeviceId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Store>().WithMany().HasForeignKey(x => x.StoreId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Restrict);
        b.Property(x => x.Hold).HasConversion<string>().HasMaxLength(30);
        b.Property(x => x.PaymentFailure).HasMaxLength(200);
        // Every door session has at most one order, in the database and not only in code.
        b.HasIndex(x => x.DoorSessionId).IsUnique();
        b.HasOne<DoorSessions.DoorSession>().WithMany().HasForeignKey(x => x.DoorSessionId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(x => x.Items).WithOne().HasForeignKey(i => i.OrderId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OrderItemConfiguration : IEntityTypeConfiguration<OrderItem>
{
    public void Configure(EntityTypeBuilder<OrderItem> b)
    {
        b.ToTable("order_items");
        b.Property(x => x.SkuCode).HasMaxLength(50);
        b.Property(x => x.Barcode).HasMaxLength(50);
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.Confidence).HasPrecision(5, 4);
        b.HasIndex(x => x.OrderId);
        b.HasOne<Products.Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class OrderPaymentConfiguration : IEntityTypeConfiguration<OrderPayment>
{
    public void Configure(EntityTypeBuilder<OrderPayment> b)
    {
        b.ToTable("order_payments", t => t.HasCheckConstraint("ck_order_payments_refunded_amount", "refunded_amount >= 0 AND refunded_amount <= amount"));
        b.Property(x => x.Channel).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.IdempotencyKey).HasMaxLength(100);
        b.HasIndex(x => x.IdempotencyKey).IsUnique();
        b.Property(x => x.FailureReason).HasMaxLength(200);
        b.Property(x => x.TransactionId).HasMaxLength(64);
        b.Property(x => x.OutTradeNo).HasMaxLength(32);
        b.HasIndex(x => x.OutTradeNo).IsUnique();
        b.Property(x => x.PrepayId).HasMaxLength(64);
        b.HasIndex(x => x.OrderId);
        b.HasOne<Order>().WithMany().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class OrderRefundConfiguration : IEntityTypeConfiguration<OrderRefund>
{
    public void Configure(EntityTypeBuilder<OrderRefund> b)
    {
        b.ToTable("order_refunds");
        b.Property(x => x.OutRefundNo).HasMaxLength(64);
        b.HasIndex(x => x.OutRefundNo).IsUnique();
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Reason).HasMaxLength(80);
        b.Property(x => x.RefundId).HasMaxLength(64);
        b.Property(x => x.FailureReason).HasMaxLength(200);
        b.HasIndex(x => x.OrderId);
        b.HasOne<Order>().WithMany().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<OrderPayment>().WithMany().HasForeignKey(x => x.PaymentId).OnDelete(DeleteBehavior.Restrict);
    }
}
