using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CabinetOps.Server.Features.Customers;

internal sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> b)
    {
        b.ToTable("users", t => t.HasCheckConstraint("ck_users_ticket_balance", "ticket_balance >= 0"));
        b.Property(x => x.OpenId).HasMaxLength(64);
        b.HasIndex(x => x.OpenId).IsUnique();
        b.Property(x => x.UnionId).HasMaxLength(64);
        b.Property(x => x.Username).HasMaxLength(100);
        b.Property(x => x.Phone).HasMaxLength(200);
        b.Property(x => x.PhoneHash).HasMaxLength(64);
        b.HasIndex(x => x.PhoneHash);
        b.Property(x => x.PhoneCountryCode).HasMaxLength(8);
    }
}
