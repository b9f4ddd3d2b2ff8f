using System.Security.Claims;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CabinetOps.Server.Features.Staff;

/// <summary>
/// Cookie authentication for the admin web and <c>/api/admin/*</c>. The cookie carries only the
/// account id and its security stamp; role, permissions and store scope are read from the database
/// on each request, so disabling an account or changing its role takes effect at once on every node.
/// </summary>
public static class StaffAuthentication
{
    public static IServiceCollection AddStaffAuthentication(this IServiceCollection services)
    {
        services.AddScoped<IPasswordHasher<AdminUser>, PasswordHasher<AdminUser>>();
        services.AddScoped<StaffSignIn>();
        services.AddScoped<StaffHandlers>();

        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.Cookie.Name = "cabinetops.staff";
                o.Cookie.HttpOnly = true;
                // Strict: no other site can make the browser send the staff cookie (CSRF on the JSON API).
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.LoginPath = "/login";
                o.AccessDeniedPath = "/forbidden";
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.Events.OnValidatePrincipal = RefreshPrincipalAsync;
                o.Events.OnRedirectToLogin = ctx => ApiAwareRedirect(ctx, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = ctx => ApiAwareRedirect(ctx, StatusCodes.Status403Forbidden);
            });

        services.AddAuthorizationBuilder().AddPolicies();
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, StaffCircuitRevalidation>();
        return services;
    }

    private static AuthorizationBuilder AddPolicies(this AuthorizationBuilder builder)
    {
        foreach (var permission in Permissions.All)
            builder.AddPolicy(permission, p => p.RequireAuthenticatedUser().RequireClaim(StaffActor.PermissionClaim, permission));
        return builder;
    }

    private static async Task RefreshPrincipalAsync(CookieValidatePrincipalContext ctx)
    {
        var principal = ctx.Principal;
        if (principal is null || !int.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id))
        {
            ctx.RejectPrincipal();
            return;
        }

        var db = ctx.HttpContext.RequestServices.GetRequiredService<CabinetOpsDbContext>();
        var user = await db.AdminUsers.AsNoTracking()
            .Where(u => u.Id == id)
            .Select(u => new { u.UserName, u.DisplayName, u.RoleCode, u.IsDisabled, u.SecurityStamp, Stores = u.Stores.Select(s => s.StoreId).ToList() })
            .FirstOrDefaultAsync(ctx.HttpContext.RequestAborted);
        if (user is null || user.IsDisabled || user.SecurityStamp != principal.FindFirstValue(StaffActor.StampClaim))
        {
            ctx.RejectPrincipal();
            return;
        }

        var role = await db.Roles.AsNoTracking().Include(r => r.Permissions).FirstAsync(r => r.Code == user.RoleCode, ctx.HttpContext.RequestAborted);
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, id.ToString()),
            new(ClaimTypes.Name, user.UserName),
            new("display_name", user.DisplayName),
            new(StaffActor.StampClaim, user.SecurityStamp),
            new(StaffActor.RoleClaim, role.Code),
            new(ClaimTypes.Role, role.Name),
        };
        if (role.AllStores)
            claims.Add(new Claim(StaffActor.AllStoresClaim, "true"));
        claims.AddRange(user.Stores.Select(s => new Claim(StaffActor.StoreClaim, s.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        claims.AddRange(role.Permissions.Select(p => new Claim(StaffActor.PermissionClaim, p.Permission)));
        ctx.ReplacePrincipal(new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme)));
    }

    /// <summary>
    /// A Blazor circuit outlives the request that opened it: re-check the account every minute, so a
    /// disabled account, a new role or a reset password also ends sessions already open in a browser.
    /// </summary>
    private sealed class StaffCircuitRevalidation(ILoggerFactory loggerFactory, IServiceScopeFactory scopes)
        : RevalidatingServerAuthenticationStateProvider(loggerFactory)
    {
        protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

        protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken cancellationToken)
        {
            if (!int.TryParse(state.User.FindFirstValue(ClaimTypes.NameIdentifier), out var id))
                return false;
            var stamp = state.User.FindFirstValue(StaffActor.StampClaim);
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CabinetOpsDbContext>();
            return await db.AdminUsers.AnyAsync(u => u.Id == id && !u.IsDisabled && u.SecurityStamp == stamp, cancellationToken);
        }
    }

    /// <summary>APIs answer 401/403 problem+json; pages are redirected to the sign-in or 403 page.</summary>
    private static async Task ApiAwareRedirect(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> ctx, int status)
    {
        if (!HttpSetup.IsMachineEndpoint(ctx.Request.Path))
        {
            ctx.Response.Redirect(ctx.RedirectUri);
            return;
        }

        ctx.Response.StatusCode = status;
        var problems = ctx.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = ctx.HttpContext,
            ProblemDetails = { Status = status, Title = HttpSetup.TitleFor(status), Type = Problem.TypeBase + (status == 401 ? "unauthenticated" : "forbidden") },
        });
    }
}
