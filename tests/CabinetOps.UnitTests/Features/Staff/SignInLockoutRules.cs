using CabinetOps.Server.Features.Staff;
using Microsoft.Extensions.Time.Testing;

namespace CabinetOps.UnitTests.Features.Staff;

public sealed class SignInLockoutRules
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
    private DateTime Now => _clock.GetUtcNow().UtcDateTime;

    private static AdminUser User() => new() { UserName = "u", DisplayName = "u", PasswordHash = "", RoleCode = Roles.Operator, SecurityStamp = "s" };

    [Fact]
    public void FifthConsecutiveFailureLocksForFifteenMinutes()
    {
        var user = User();
        for (var i = 0; i < 4; i++)
            Assert.False(SignInLockout.RegisterFailure(user, Now));
        Assert.True(SignInLockout.RegisterFailure(user, Now));
        Assert.True(SignInLockout.IsLocked(user, Now));
        Assert.Equal(15, SignInLockout.MinutesLeft(user, Now));

        _clock.Advance(TimeSpan.FromMinutes(14) + TimeSpan.FromSeconds(59));
        Assert.True(SignInLockout.IsLocked(user, Now));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(SignInLockout.IsLocked(user, Now));
    }

    [Fact]
    public void SuccessResetsTheCount()
    {
        var user = User();
        for (var i = 0; i < 4; i++)
            SignInLockout.RegisterFailure(user, Now);
        SignInLockout.RegisterSuccess(user, Now);
        Assert.False(SignInLockout.RegisterFailure(user, Now));
        Assert.Equal(1, user.FailedSignInCount);
    }

    [Fact]
    public void AfterALockoutExpiresTheCountStartsAgain()
    {
        var user = User();
        for (var i = 0; i < 5; i++)
            SignInLockout.RegisterFailure(user, Now);
        _clock.Advance(TimeSpan.FromMinutes(16));
        Assert.False(SignInLockout.RegisterFailure(user, Now));
        Assert.False(SignInLockout.IsLocked(user, Now));
    }

    [Theory]
    [InlineData("short1", false)]
    [InlineData("abcdefgh", false)]
    [InlineData("12345678", false)]
    [InlineData("abcd1234", true)]
    public void PasswordsNeedEightCharactersWithLettersAndDigits(string password, bool ok) => Assert.Equal(ok, PasswordRule.Check(password) is null);
}
