using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace CabinetOps.Sandbox.Wechat;

/// <summary>Section <c>Sandbox:Wechat</c>: the AppID and secret this fake WeChat accepts.</summary>
public sealed class WechatSimulatorOptions
{
    public const string Section = "Sandbox:Wechat";

    public string AppId { get; set; } = "";
    public string AppSecret { get; set; } = "";
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(5);
    public int TokenLifetimeSeconds { get; set; } = 7200;
}

/// <summary>
/// Fake WeChat login server (miniprogram-login.md §7): single-use login and phone codes that expire
/// after five minutes, a stable access token, and WeChat's errcode replies with HTTP 200.
/// </summary>
public sealed class WechatSimulator(IOptions<WechatSimulatorOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, IssuedCode> _loginCodes = new();
    private readonly ConcurrentDictionary<string, IssuedCode> _phoneCodes = new();
    private readonly Lock _tokenLock = new();
    private (string Token, DateTimeOffset ExpiresAt)? _stableToken;

    public WechatSimulatorOptions Options => options.Value;

    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>When set, every API answers errcode -1 (system busy): the outage switch.</summary>
    public bool Busy { get; set; }

    /// <summary>The demo customers, so the sandbox console can log in as one of them.</summary>
    public static readonly IReadOnlyList<(string Alias, string OpenId, string Phone)> DemoCustomers =
    [
        ("顾客一", OpenIdFor("demo-customer-1"), "13800000001"),
        ("顾客二", OpenIdFor("demo-customer-2"), "13900000002"),
        ("顾客三", OpenIdFor("demo-customer-3"), "13700000003"),
    ];

    /// <summary>A 28-character openid shaped like WeChat's, stable for an alias.</summary>
    public static string OpenIdFor(string alias)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("openid:" + alias));
        return "o" + Convert.ToBase64String(hash).Replace('+', '-').Replace('/', '_')[..27];
    }

    public string IssueLoginCode(string openId) => Issue(_loginCodes, openId);

    public string IssuePhoneCode(string phone) => Issue(_phoneCodes, phone);

    /// <summary>Returns the openid for a login code, or the errcode WeChat would answer.</summary>
    public (string? OpenId, int ErrCode, string ErrMsg) Redeem(string? code) => RedeemFrom(_loginCodes, code);

    public (string? Phone, int ErrCode, string ErrMsg) RedeemPhone(string? code) => RedeemFrom(_phoneCodes, code);

    public (string Token, int ExpiresIn) StableToken(bool forceRefresh)
    {
        lock (_tokenLock)
        {
            var now = clock.GetUtcNow();
            // Normal mode: the same token while it has more than five minutes left (§2.2).
            if (forceRefresh || _stableToken is null || _stableToken.Value.ExpiresAt - now < TimeSpan.FromMinutes(5))
                _stableToken = (RandomToken(), now.AddSeconds(Options.TokenLifetimeSeconds));
            return (_stableToken.Value.Token, (int)(_stableToken.Value.ExpiresAt - now).TotalSeconds);
        }
    }

    public bool IsValidToken(string? token)
    {
        lock (_tokenLock)
            return token is not null && _stableToken is { } t && t.Token == token && t.ExpiresAt > clock.GetUtcNow();
    }

    private string Issue(ConcurrentDictionary<string, IssuedCode> store, string subject)
    {
        var code = RandomToken()[..32];
        store[code] = new IssuedCode(subject, clock.GetUtcNow() + Options.CodeLifetime);
        return code;
    }

    private (string?, int, string) RedeemFrom(ConcurrentDictionary<string, IssuedCode> store, string? code)
    {
        if (string.IsNullOrEmpty(code))
            return (null, 40029, "invalid code");
        if (!store.TryGetValue(code, out var issued))
            return (null, 40029, "invalid code");
        if (issued.ExpiresAt <= clock.GetUtcNow())
            return (null, 40029, "invalid code, code expired");
        // Single use: the first redeemer wins, a second gets 40163.
        if (!store.TryUpdate(code, issued with { Used = true }, issued) || issued.Used)
            return (null, 40163, "code been used");
        return (issued.Subject, 0, "ok");
    }

    private static string RandomToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    private sealed record IssuedCode(string Subject, DateTimeOffset ExpiresAt, bool Used = false);
}
