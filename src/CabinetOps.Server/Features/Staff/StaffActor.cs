using System.Globalization;
using System.Security.Claims;

namespace CabinetOps.Server.Features.Staff;

/// <summary>
/// Who is acting: the signed-in staff member with role, permissions and store data scope, or the
/// system itself. Handlers take it explicitly so that an endpoint and a Blazor page (whose
/// circuit has no HttpContext) pass the same thing.
/// </summary>
public sealed record StaffActor(int? Id, string Name, string RoleCode, bool AllStores, IReadOnlySet<int> StoreIds, IReadOnlySet<string> Permissions, string? RemoteIp = null)
{
    public const string PermissionClaim = "perm";
    public const string StoreClaim = "store";
    public const string AllStoresClaim = "all_stores";
    public const string RoleClaim = "role_code";
    public const string StampClaim = "stamp";

    public static readonly StaffActor System = new(null, "系统", Roles.Administrator, true, new HashSet<int>(), new HashSet<string>());

    public bool Can(string permission) => Permissions.Contains(permission);

    public bool CanSeeStore(int? storeId) => AllStores || (storeId is { } id && StoreIds.Contains(id));

    public static StaffActor FromPrincipal(ClaimsPrincipal user, string? remoteIp = null)
    {
        var id = int.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var parsed) ? parsed : (int?)null;
        return new StaffActor(
            id,
            user.FindFirstValue(ClaimTypes.Name) ?? "匿名",
            user.FindFirstValue(RoleClaim) ?? "",
            user.HasClaim(AllStoresClaim, "true"),
            user.FindAll(StoreClaim).Select(c => int.Parse(c.Value, CultureInfo.InvariantCulture)).ToHashSet(),
            user.FindAll(PermissionClaim).Select(c => c.Value).ToHashSet(),
            remoteIp);
    }
}
