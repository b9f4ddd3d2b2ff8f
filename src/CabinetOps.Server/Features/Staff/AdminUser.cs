namespace CabinetOps.Server.Features.Staff;

/// <summary>后台账号 — a staff account of the admin web.</summary>
public sealed class AdminUser
{
    public int Id { get; set; }
    public required string UserName { get; set; }
    public required string DisplayName { get; set; }
    public required string PasswordHash { get; set; }
    public required string RoleCode { get; set; }
    public bool IsDisabled { get; set; }
    public int FailedSignInCount { get; set; }
    public DateTime? LockoutEndsAt { get; set; }
    /// <summary>Changes whenever role, stores, password or status change, so live cookies are re-checked.</summary>
    public required string SecurityStamp { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? LastSignInAt { get; set; }
    public List<AdminUserStore> Stores { get; set; } = [];
}

/// <summary>Store data scope: a franchise manager sees only the stores listed here.</summary>
public sealed class AdminUserStore
{
    public int AdminUserId { get; set; }
    public int StoreId { get; set; }
}

/// <summary>角色. Roles and their permissions are rows, seeded from <see cref="Roles.Defaults"/>.</summary>
public sealed class Role
{
    public required string Code { get; set; }
    public required string Name { get; set; }
    /// <summary>When true the role sees every store; otherwise only the stores assigned to the account.</summary>
    public bool AllStores { get; set; }
    public List<RolePermission> Permissions { get; set; } = [];
}

public sealed class RolePermission
{
    public required string RoleCode { get; set; }
    public required string Permission { get; set; }
}
