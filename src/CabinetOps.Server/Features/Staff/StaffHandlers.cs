using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using CabinetOps.Server.Features.Audit;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CabinetOps.Server.Features.Staff;

public sealed record StaffView(int Id, string UserName, string DisplayName, string RoleCode, string RoleName, bool IsDisabled, bool IsLocked, IReadOnlyList<int> StoreIds, DateTime CreatedAt, DateTime? LastSignInAt);

public sealed record StaffPage(IReadOnlyList<StaffView> Items, int Total, int Page, int PageSize);

public sealed record CreateStaffRequest(
    [property: Required(ErrorMessage = "请输入用户名"), RegularExpression("^[A-Za-z0-9_.-]{3,50}$", ErrorMessage = "用户名为 3-50 位字母、数字或 _ . -")] string UserName,
    [property: Required(ErrorMessage = "请输入姓名"), StringLength(50, ErrorMessage = "姓名不能超过 50 个字")] string DisplayName,
    [property: Required(ErrorMessage = "请选择角色")] string RoleCode,
    [property: Required(ErrorMessage = "请输入初始密码")] string Password,
    int[]? StoreIds);

public sealed record UpdateStaffRequest(
    [property: Required(ErrorMessage = "请输入姓名"), StringLength(50, ErrorMessage = "姓名不能超过 50 个字")] string DisplayName,
    [property: Required(ErrorMessage = "请选择角色")] string RoleCode,
    int[]? StoreIds);

public sealed record ResetPasswordRequest([property: Required(ErrorMessage = "请输入新密码")] string NewPassword);

public sealed record SetStaffStatusRequest(bool Disabled);

/// <summary>账号管理 use cases, shared by <c>/api/admin/staff</c> and the 账号管理 page.</summary>
public sealed class StaffHandlers(CabinetOpsDbContext db, IPasswordHasher<AdminUser> hasher, AuditWriter audit, TimeProvider clock)
{
    public async Task<StaffPage> ListAsync(string? search, string? roleCode, int page, int pageSize, CancellationToken ct)
    {
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, 100);
        var query = db.AdminUsers.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var s = search.Trim();
            query = query.Where(u => u.UserName.Contains(s) || u.DisplayName.Contains(s));
        }

        if (!string.IsNullOrWhiteSpace(roleCode))
            query = query.Where(u => u.RoleCode == roleCode);
        var total = await query.CountAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = await query.OrderBy(u => u.Id).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(u => new { u.Id, u.UserName, u.DisplayName, u.RoleCode, u.IsDisabled, u.LockoutEndsAt, Stores = u.Stores.Select(s => s.StoreId).ToList(), u.CreatedAt, u.LastSignInAt })
            .ToListAsync(ct);
        var items = rows.Select(u => new StaffView(u.Id, u.UserName, u.DisplayName, u.RoleCode, Roles.NameOf(u.RoleCode), u.IsDisabled,
            u.LockoutEndsAt > now, u.Stores, u.CreatedAt, u.LastSignInAt)).ToList();
        return new StaffPage(items, total, page, pageSize);
    }

    public async Task<Result<StaffView>> CreateAsync(StaffActor actor, CreateStaffRequest request, CancellationToken ct)
    {
        if (await ValidateAssignmentAsync(request.RoleCode, request.StoreIds, ct) is { } invalid)
            return invalid;
        if (PasswordRule.Check(request.Password) is { } weak)
            return Problem.Validation("password", weak);
        var userName = request.UserName.Trim();
        if (await db.AdminUsers.AnyAsync(u => u.UserName == userName, ct))
            return Problem.Conflict("user-name-taken", $"用户名 {userName} 已存在");

        var user = new AdminUser
        {
            UserName = userName,
            DisplayName = request.DisplayName.Trim(),
            RoleCode = request.RoleCode,
            PasswordHash = "",
            SecurityStamp = NewStamp(),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            Stores = (request.StoreIds ?? []).Distinct().Select(id => new AdminUserStore { StoreId = id }).ToList(),
        };
        user.PasswordHash = hasher.HashPassword(user, request.Password);
        db.AdminUsers.Add(user);
        await db.SaveChangesAsync(ct);
        var view = ToView(user);
        audit.Record(actor, "staff.create", "AdminUser", user.Id.ToString(), $"创建账号 {user.UserName}（{Roles.NameOf(user.RoleCode)}）", after: view);
        await db.SaveChangesAsync(ct);
        return view;
    }

    public async Task<Result<StaffView>> UpdateAsync(StaffActor actor, int id, UpdateStaffRequest request, CancellationToken ct)
    {
        if (await ValidateAssignmentAsync(request.RoleCode, request.StoreIds, ct) is { } invalid)
            return invalid;
        var user = await db.AdminUsers.Include(u => u.Stores).FirstOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
            return Problem.NotFound("账号");
        if (user.Id == actor.Id && request.RoleCode != user.RoleCode)
            return Problem.Conflict("cannot-change-own-role", "不能修改自己的角色");

        var before = ToView(user);
        user.DisplayName = request.DisplayName.Trim();
        user.RoleCode = request.RoleCode;
        user.Stores.Clear();
        user.Stores.AddRange((request.StoreIds ?? []).Distinct().Select(s => new AdminUserStore { AdminUserId = id, StoreId = s }));
        user.SecurityStamp = NewStamp();
        var after = ToView(user);
        audit.Record(actor, "staff.update", "AdminUser", id.ToString(), $"修改账号 {user.UserName}", before, after);
        await db.SaveChangesAsync(ct);
        return after;
    }

    public async Task<Result<StaffView>> SetStatusAsync(StaffActor actor, int id, bool disabled, CancellationToken ct)
    {
        var user = await db.AdminUsers.Include(u => u.Stores).FirstOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
            return Problem.NotFound("账号");
        if (user.Id == actor.Id && disabled)
            return Problem.Conflict("cannot-disable-self", "不能停用自己的账号");
        var before = ToView(user);
        user.IsDisabled = disabled;
        user.SecurityStamp = NewStamp();
        var after = ToView(user);
        audit.Record(actor, disabled ? "staff.disable" : "staff.enable", "AdminUser", id.ToString(), $"{(disabled ? "停用" : "启用")}账号 {user.UserName}", before, after);
        await db.SaveChangesAsync(ct);
        return after;
    }

    public async Task<Result<StaffView>> ResetPasswordAsync(StaffActor actor, int id, string newPassword, CancellationToken ct)
    {
        if (PasswordRule.Check(newPassword) is { } weak)
            return Problem.Validation("newPassword", weak);
        var user = await db.AdminUsers.Include(u => u.Stores).FirstOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
            return Problem.NotFound("账号");
        user.PasswordHash = hasher.HashPassword(user, newPassword);
        user.SecurityStamp = NewStamp();
        // A reset is how staff get back into a locked account.
        user.FailedSignInCount = 0;
        user.LockoutEndsAt = null;
        audit.Record(actor, "staff.reset-password", "AdminUser", id.ToString(), $"重置账号 {user.UserName} 的密码");
        await db.SaveChangesAsync(ct);
        return ToView(user);
    }

    private async Task<Problem?> ValidateAssignmentAsync(string roleCode, int[]? storeIds, CancellationToken ct)
    {
        var role = await db.Roles.AsNoTracking().FirstOrDefaultAsync(r => r.Code == roleCode, ct);
        if (role is null)
            return Problem.Validation("roleCode", "角色不存在");
        var ids = (storeIds ?? []).Distinct().ToList();
        if (!role.AllStores && ids.Count == 0)
            return Problem.Validation("storeIds", $"{role.Name}账号至少要分配一个门店");
        if (ids.Count > 0 && await db.Stores.CountAsync(s => ids.Contains(s.Id), ct) != ids.Count)
            return Problem.Validation("storeIds", "门店不存在");
        return null;
    }

    private StaffView ToView(AdminUser u) => new(u.Id, u.UserName, u.DisplayName, u.RoleCode, Roles.NameOf(u.RoleCode), u.IsDisabled,
        SignInLockout.IsLocked(u, clock.GetUtcNow().UtcDateTime), u.Stores.Select(s => s.StoreId).ToList(), u.CreatedAt, u.LastSignInAt);

    internal static string NewStamp() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
}

/// <summary>Staff passwords: at least 8 characters with letters and digits.</summary>
public static class PasswordRule
{
    public static string? Check(string? password) =>
        password is null || password.Length < 8 || !password.Any(char.IsAsciiLetter) || !password.Any(char.IsAsciiDigit)
            ? "密码至少 8 位，且须包含字母和数字"
            : password.Length > 100 ? "密码不能超过 100 位" : null;
}
