using System.ComponentModel.DataAnnotations;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CabinetOps.Server.Features.Staff;

public sealed record StaffSignInRequest(
    [property: Required(ErrorMessage = "请输入用户名")] string UserName,
    [property: Required(ErrorMessage = "请输入密码")] string Password);

public sealed record SignedInStaff(int Id, string UserName, string RoleCode, string RoleName);

public sealed record RoleView(string Code, string Name, bool AllStores, IReadOnlyList<string> Permissions);

public static class StaffApi
{
    public static IEndpointRouteBuilder MapStaffApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/admin/auth").WithTags("Staff sign-in");
        auth.MapPost("/login", async Task<Results<Ok<SignedInStaff>, ProblemHttpResult>> (StaffSignInRequest body, HttpContext http, StaffSignIn handler, CancellationToken ct) =>
        {
            var result = await handler.HandleAsync(http, body.UserName, body.Password, ct);
            return result.IsSuccess
                ? TypedResults.Ok(new SignedInStaff(result.Value!.Id, result.Value.UserName, result.Value.RoleCode, Roles.NameOf(result.Value.RoleCode)))
                : result.Problem!.ToHttp();
        }).WithSummary("员工登录（设置登录 Cookie）");
        auth.MapPost("/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return TypedResults.NoContent();
        }).RequireAuthorization().WithSummary("退出登录");

        var staff = app.MapGroup("/api/admin/staff").WithTags("Staff").RequireAuthorization(Permissions.StaffView);
        staff.MapGet("/", (string? search, string? role, int? page, int? pageSize, StaffHandlers h, CancellationToken ct) =>
            h.ListAsync(search, role, page ?? 1, pageSize ?? 20, ct)).WithSummary("账号列表");
        staff.MapPost("/", async Task<Results<Created<StaffView>, ProblemHttpResult>> (CreateStaffRequest body, HttpContext http, StaffHandlers h, CancellationToken ct) =>
        {
            var r = await h.CreateAsync(Actor(http), body, ct);
            return r.IsSuccess ? TypedResults.Created($"/api/admin/staff/{r.Value!.Id}", r.Value) : r.Problem!.ToHttp();
        }).RequireAuthorization(Permissions.StaffManage).WithSummary("创建账号");
        staff.MapPut("/{id:int}", async Task<Results<Ok<StaffView>, ProblemHttpResult>> (int id, UpdateStaffRequest body, HttpContext http, StaffHandlers h, CancellationToken ct) =>
            (await h.UpdateAsync(Actor(http), id, body, ct)).ToHttp()).RequireAuthorization(Permissions.StaffManage).WithSummary("修改账号角色、门店与姓名");
        staff.MapPost("/{id:int}/status", async Task<Results<Ok<StaffView>, ProblemHttpResult>> (int id, SetStaffStatusRequest body, HttpContext http, StaffHandlers h, CancellationToken ct) =>
            (await h.SetStatusAsync(Actor(http), id, body.Disabled, ct)).ToHttp()).RequireAuthorization(Permissions.StaffManage).WithSummary("停用或启用账号");
        staff.MapPost("/{id:int}/password", async Task<Results<Ok<StaffView>, ProblemHttpResult>> (int id, ResetPasswordRequest body, HttpContext http, StaffHandlers h, CancellationToken ct) =>
            (await h.ResetPasswordAsync(Actor(http), id, body.NewPassword, ct)).ToHttp()).RequireAuthorization(Permissions.StaffManage).WithSummary("重置密码");

        app.MapGet("/api/admin/roles", async (CabinetOpsDbContext db, CancellationToken ct) =>
                (await db.Roles.AsNoTracking().Include(r => r.Permissions).OrderBy(r => r.Code).ToListAsync(ct))
                .Select(r => new RoleView(r.Code, r.Name, r.AllStores, r.Permissions.Select(p => p.Permission).Order().ToList())))
            .WithTags("Staff").RequireAuthorization(Permissions.StaffView).WithSummary("角色与权限");

        // The sign-out button of the admin layout posts here. The form carries an antiforgery token, but
        // an endpoint that binds no form field is not checked; SameSite=Strict on the cookie is the guard.
        app.MapPost("/account/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return TypedResults.LocalRedirect("/login");
        }).ExcludeFromDescription();
        return app;
    }

    internal static StaffActor Actor(HttpContext http) => StaffActor.FromPrincipal(http.User, http.Connection.RemoteIpAddress?.ToString());
}
