namespace CabinetOps.Server.Features.Staff;

/// <summary>
/// The lockout rule (issue #3): after 5 wrong passwords in a row the account is locked for 15
/// minutes. Pure, so it is tested without a host or clock.
/// </summary>
public static class SignInLockout
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Duration = TimeSpan.FromMinutes(15);

    public static bool IsLocked(AdminUser user, DateTime now) => user.LockoutEndsAt is { } end && end > now;

    /// <summary>Registers a wrong password; returns true when this failure locked the account.</summary>
    public static bool RegisterFailure(AdminUser user, DateTime now)
    {
        // A lockout that has run out starts a fresh count.
        if (user.LockoutEndsAt is { } end && end <= now)
            user.LockoutEndsAt = null;
        user.FailedSignInCount++;
        if (user.FailedSignInCount < MaxFailures)
            return false;
        user.FailedSignInCount = 0;
        user.LockoutEndsAt = now + Duration;
        return true;
    }

    public static void RegisterSuccess(AdminUser user, DateTime now)
    {
        user.FailedSignInCount = 0;
        user.LockoutEndsAt = null;
        user.LastSignInAt = now;
    }

    /// <summary>Whole minutes left, rounded up, for the message "请在 N 分钟后重试".</summary>
    public static int MinutesLeft(AdminUser user, DateTime now) =>
        user.LockoutEndsAt is { } end ? Math.Max(1, (int)Math.Ceiling((end - now).TotalMinutes)) : 0;
}
