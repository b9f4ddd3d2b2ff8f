using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CabinetOps.Server.Features.Stores;

internal sealed class StoreConfiguration : IEntityTypeConfiguration<Store>
{
    public void Configure(EntityTypeBuilder<Store> b)
    {
        b.ToTable("stores");
        b.Property(x => x.StoreCode).HasMaxLength(50);
        b.HasIndex(x => x.StoreCode).IsUnique();
        b.Property(x => x.StoreName).HasMaxLength(100);
        b.Property(x => x.StoreType).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.StoreProperty).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Address).HasMaxLength(200);
        b.Property(x => x.Phone).HasMaxLength(20);
        b.HasIndex(x => new { x.StoreType, x.StoreProperty });
    }
}
