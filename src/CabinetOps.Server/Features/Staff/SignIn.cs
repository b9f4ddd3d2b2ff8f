using System.Security.Claims;
using CabinetOps.Server.Features.Audit;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CabinetOps.Server.Features.Staff;

/// <summary>
/// Checks a staff password with lockout, and on success signs the cookie in. (Not named
/// "…Handler": Wolverine takes such classes for message handlers and would generate one for
/// <c>HttpContext</c>.)
/// </summary>
public sealed class StaffSignIn(
    CabinetOpsDbContext db, IPasswordHasher<AdminUser> hasher, AuditWriter audit, DbRateLimiter limiter, IOptions<RateLimitOptions> limits,
    TimeProvider clock, ILogger<StaffSignIn> logger)
{
    public const string WrongCredentials = "用户名或密码错误";

    public async Task<Result<AdminUser>> HandleAsync(HttpContext http, string userName, string password, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var ip = http.Connection.RemoteIpAddress?.ToString();
        // Per address, beside the per-account lockout: one address trying many accounts is stopped too.
        // Here, not on the endpoint, so the sign-in page and the API share the limit.
        if (!(await limiter.TryAcquireAsync($"staff-sign-in|ip:{ip}", limits.Value.StaffSignInPerMinute, TimeSpan.FromMinutes(1), ct)).Allowed)
            return new Problem("rate-limited", "登录尝试过于频繁，请稍后再试", StatusCodes.Status429TooManyRequests);
        var user = await db.AdminUsers.FirstOrDefaultAsync(u => u.UserName == userName.Trim(), ct);
        if (user is null)
        {
            // Same answer as a wrong password, so the form does not reveal which accounts exist.
            logger.LogInformation("Sign-in failed for unknown user name from {RemoteIp}", ip);
            return new Problem("sign-in-failed", WrongCredentials, StatusCodes.Status401Unauthorized);
        }

        var actor = new StaffActor(user.Id, user.UserName, user.RoleCode, false, new HashSet<int>(), new HashSet<string>(), ip);
        if (SignInLockout.IsLocked(user, now))
            return Locked(user, now);

        var verification = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verification == PasswordVerificationResult.Failed)
        {
            var locked = SignInLockout.RegisterFailure(user, now);
            audit.Record(actor, locked ? "staff.locked-out" : "staff.sign-in-failed", "AdminUser", user.Id.ToString(),
                locked ? $"连续 {SignInLockout.MaxFailures} 次密码错误，锁定 {SignInLockout.Duration.TotalMinutes:0} 分钟" : "密码错误");
            await db.SaveChangesAsync(ct);
            return locked ? Locked(user, now) : new Problem("sign-in-failed", WrongCredentials, StatusCodes.Status401Unauthorized);
        }

        // Only someone who knows the password learns that the account is disabled.
        if (user.IsDisabled)
            return new Problem("account-disabled", "账号已停用，请联系管理员", StatusCodes.Status403Forbidden);
        if (verification == PasswordVerificationResult.SuccessRehashNeeded)
            user.PasswordHash = hasher.HashPassword(user, password);
        SignInLockout.RegisterSuccess(user, now);
        audit.Record(actor, "staff.sign-in", "AdminUser", user.Id.ToString(), "登录成功");
        await db.SaveChangesAsync(ct);

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, user.Id.ToString()),
                new Claim(ClaimTypes.Name, user.UserName),
                new Claim(StaffActor.StampClaim, user.SecurityStamp),
            ],
            CookieAuthenticationDefaults.AuthenticationScheme);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return user;
    }

    private static Problem Locked(AdminUser user, DateTime now) =>
        new("account-locked", $"密码错误次数过多，账号已锁定，请在 {SignInLockout.MinutesLeft(user, now)} 分钟后重试", StatusCodes.Status423Locked);
}
