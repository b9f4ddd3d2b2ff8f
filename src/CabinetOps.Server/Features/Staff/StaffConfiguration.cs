using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CabinetOps.Server.Features.Staff;

internal sealed class AdminUserConfiguration : IEntityTypeConfiguration<AdminUser>
{
    public void Configure(EntityTypeBuilder<AdminUser> b)
    {
        b.ToTable("admin_users");
        b.Property(x => x.UserName).HasMaxLength(50);
        b.HasIndex(x => x.UserName).IsUnique();
        b.Property(x => x.DisplayName).HasMaxLength(50);
        b.Property(x => x.PasswordHash).HasMaxLength(200);
        b.Property(x => x.RoleCode).HasMaxLength(30);
        b.Property(x => x.SecurityStamp).HasMaxLength(64);
        b.HasOne<Role>().WithMany().HasForeignKey(x => x.RoleCode).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(x => x.Stores).WithOne().HasForeignKey(x => x.AdminUserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AdminUserStoreConfiguration : IEntityTypeConfiguration<AdminUserStore>
{
    public void Configure(EntityTypeBuilder<AdminUserStore> b)
    {
        b.ToTable("admin_user_stores");
        b.HasKey(x => new { x.AdminUserId, x.StoreId });
        b.HasOne<Stores.Store>().WithMany().HasForeignKey(x => x.StoreId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RoleConfiguration : IEntityTypeConfiguration<Role>
{
    public void Configure(EntityTypeBuilder<Role> b)
    {
        b.ToTable("roles");
        b.HasKey(x => x.Code);
        b.Property(x => x.Code).HasMaxLength(30);
        b.Property(x => x.Name).HasMaxLength(50);
        b.HasMany(x => x.Permissions).WithOne().HasForeignKey(x => x.RoleCode).OnDelete(DeleteBehavior.Cascade);
        // Roles are reference data every installation needs, so a migration seeds them (not the demo).
        b.HasData(Roles.Defaults.Select(d => new Role { Code = d.Code, Name = d.Name, AllStores = d.AllStores }));
    }
}

internal sealed class RolePermissionConfiguration : IEntityTypeConfiguration<RolePermission>
{
    public void Configure(EntityTypeBuilder<RolePermission> b)
    {
        b.ToTable("role_permissions");
        b.HasKey(x => new { x.RoleCode, x.Permission });
        b.Property(x => x.RoleCode).HasMaxLength(30);
        b.Property(x => x.Permission).HasMaxLength(60);
        b.HasData(Roles.Defaults.SelectMany(d => d.Permissions.Select(p => new RolePermission { RoleCode = d.Code, Permission = p })));
    }
}
