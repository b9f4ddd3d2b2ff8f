using CabinetOps.Server.Features.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CabinetOps.Server.Features.Devices;

internal sealed class DeviceConfiguration : IEntityTypeConfiguration<Device>
{
    public void Configure(EntityTypeBuilder<Device> b)
    {
        b.ToTable("devices");
        b.Property(x => x.DeviceCode).HasMaxLength(50);
        b.HasIndex(x => x.DeviceCode).IsUnique();
        b.HasIndex(x => x.StoreId);
        b.Property(x => x.QrCode).HasMaxLength(200);
        b.Property(x => x.OfflineReason).HasMaxLength(40);
        b.Property(x => x.Model).HasMaxLength(40);
        b.Property(x => x.SerialNo).HasMaxLength(60);
        b.Property(x => x.FirmwareVersion).HasMaxLength(40);
        b.HasOne<Store>().WithMany().HasForeignKey(x => x.StoreId).OnDelete(DeleteBehavior.Restrict);
    }
}
