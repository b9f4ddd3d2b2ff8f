using System.Text.Json;
using System.Text.Json.Serialization;

namespace CabinetOps.Server.Integrations.WechatLogin.Dtos;

// Field names exactly as WeChat spells them (docs/protocols/miniprogram-login.md). Only this folder knows them.

/// <summary>Every WeChat server API reports errors as errcode/errmsg in a 200 body.</summary>
internal abstract class WechatReply
{
    [JsonPropertyName("errcode")] public int ErrCode { get; set; }
    [JsonPropertyName("errmsg")] public string? ErrMsg { get; set; }
}

/// <summary>GET /sns/jscode2session</summary>
internal sealed class Code2SessionReply : WechatReply
{
    [JsonPropertyName("openid")] public string? OpenId { get; set; }
    [JsonPropertyName("session_key")] public string? SessionKey { get; set; }
    [JsonPropertyName("unionid")] public string? UnionId { get; set; }
}

/// <summary>POST /cgi-bin/stable_token</summary>
internal sealed class StableTokenRequest
{
    [JsonPropertyName("grant_type")] public string GrantType { get; set; } = "client_credential";
    [JsonPropertyName("appid")] public required string AppId { get; set; }
    [JsonPropertyName("secret")] public required string Secret { get; set; }
    [JsonPropertyName("force_refresh")] public bool ForceRefresh { get; set; }
}

internal sealed class StableTokenReply : WechatReply
{
    [JsonPropertyName("access_token")] public string? AccessToken { get; set; }
    [JsonPropertyName("expires_in")] public int ExpiresIn { get; set; }
}

/// <summary>POST /wxa/business/getuserphonenumber?access_token=…</summary>
internal sealed class PhoneNumberRequest
{
    [JsonPropertyName("code")] public required string Code { get; set; }
}

internal sealed class PhoneNumberReply : WechatReply
{
    [JsonPropertyName("phone_info")] public PhoneInfo? PhoneInfo { get; set; }
}

internal sealed class PhoneInfo
{
    [JsonPropertyName("phoneNumber")] public string? PhoneNumber { get; set; }
    [JsonPropertyName("purePhoneNumber")] public string? PurePhoneNumber { get; set; }
    /// <summary>Documented as a string, shown as a number in the example: accept both.</summary>
    [JsonPropertyName("countryCode")] public JsonElement CountryCode { get; set; }
    [JsonPropertyName("watermark")] public Watermark? Watermark { get; set; }
}

internal sealed class Watermark
{
    [JsonPropertyName("timestamp")] public long Timestamp { get; set; }
    [JsonPropertyName("appid")] public string? AppId { get; set; }
}
