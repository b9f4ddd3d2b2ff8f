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
        // The admin order list pages newest first, often within a store (DESIGN §11 targets).
        b.HasIndex(x => new { x.StoreId, x.OrderTime });
        b.HasIndex(x => x.OrderTime);
        b.HasIndex(x => x.UserId);
        b.HasOne<Device>().WithMany().HasForeignKey(x => x.DeviceId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Store>().WithMany().HasForeignKey(x => x.StoreId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Restrict);
    }
}
