using System.ComponentModel.DataAnnotations;

namespace CabinetOps.Server.Integrations.WechatLogin;

/// <summary>Section <c>Integrations:WechatLogin</c>. The secret comes from the environment or a secret file in production.</summary>
public sealed class WechatLoginOptions
{
    public const string Section = "Integrations:WechatLogin";

    /// <summary><c>https://api.weixin.qq.com</c> in production; the sandbox simulator on the embedded default.</summary>
    [Required, Url]
    public string BaseUrl { get; set; } = "https://api.weixin.qq.com";

    [Required]
    public string AppId { get; set; } = "";

    [Required]
    public string AppSecret { get; set; } = "";

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>WeChat answered with an errcode (or not at all).</summary>
public sealed class WechatApiException(int errCode, string? errMsg)
    : Exception($"WeChat error {errCode}: {errMsg}")
{
    public const int SystemBusy = -1;
    public const int InvalidCredential = 40001;
    public const int InvalidCode = 40029;
    public const int CodeUsed = 40163;
    public const int RateLimited = 45011;
    public const int HighRiskUser = 40226;

    // Our own codes (WeChat's are never negative below -1): not reachable, and a reply we cannot use.
    public const int Unreachable = -100;
    public const int BadReply = -101;

    /// <summary>Errors that mean our configuration is wrong (AppID, secret, IP whitelist, frozen secret): staff must act.</summary>
    public bool IsConfigurationError => ErrCode is 40013 or 40125 or 40164 or 40243 or 40002 || ErrCode == BadReply;

    public int ErrCode { get; } = errCode;
}
