using System.Net.Http.Json;
using System.Text.Json;
using CabinetOps.Server.Integrations.WechatLogin.Dtos;

namespace CabinetOps.Server.Integrations.WechatLogin;

public sealed record WechatIdentity(string OpenId, string? UnionId);

public sealed record WechatPhone(string PurePhoneNumber, string CountryCode);

/// <summary>
/// The WeChat mini-program server APIs we use: code2Session, stable access token, phone number.
/// Parses every reply as JSON whatever its Content-Type and checks errcode (miniprogram-login.md §1.2).
/// The session_key is read and dropped: we never need it with the phone-code flow, so it is never kept.
/// </summary>
public sealed class WechatLoginClient(HttpClient http, Microsoft.Extensions.Options.IOptions<WechatLoginOptions> options)
{
    private readonly WechatLoginOptions _options = options.Value;

    public async Task<WechatIdentity> ExchangeCodeAsync(string jsCode, CancellationToken ct)
    {
        var url = $"sns/jscode2session?appid={Uri.EscapeDataString(_options.AppId)}&secret={Uri.EscapeDataString(_options.AppSecret)}"
            + $"&js_code={Uri.EscapeDataString(jsCode)}&grant_type=authorization_code";
        var reply = await ReadAsync<Code2SessionReply>(await http.GetAsync(url, ct), ct);
        if (string.IsNullOrEmpty(reply.OpenId))
            throw new WechatApiException(reply.ErrCode == 0 ? -1 : reply.ErrCode, "no openid in reply");
        return new WechatIdentity(reply.OpenId, reply.UnionId);
    }

    internal async Task<StableTokenReply> FetchStableTokenAsync(bool forceRefresh, CancellationToken ct)
    {
        var body = new StableTokenRequest { AppId = _options.AppId, Secret = _options.AppSecret, ForceRefresh = forceRefresh };
        var reply = await ReadAsync<StableTokenReply>(await http.PostAsJsonAsync("cgi-bin/stable_token", body, ct), ct);
        if (string.IsNullOrEmpty(reply.AccessToken))
            throw new WechatApiException(-1, "no access_token in reply");
        return reply;
    }

    internal async Task<WechatPhone> GetPhoneNumberAsync(string accessToken, string code, CancellationToken ct)
    {
        var response = await http.PostAsJsonAsync($"wxa/business/getuserphonenumber?access_token={Uri.EscapeDataString(accessToken)}", new PhoneNumberRequest { Code = code }, ct);
        var reply = await ReadAsync<PhoneNumberReply>(response, ct);
        var info = reply.PhoneInfo ?? throw new WechatApiException(-1, "no phone_info in reply");
        if (info.Watermark?.AppId != _options.AppId)
            throw new WechatApiException(-1, "watermark appid does not match our AppID");
        var country = info.CountryCode.ValueKind switch
        {
            JsonValueKind.String => info.CountryCode.GetString() ?? "86",
            JsonValueKind.Number => info.CountryCode.GetRawText(),
            _ => "86",
        };
        return new WechatPhone(info.PurePhoneNumber ?? throw new WechatApiException(-1, "no purePhoneNumber"), country);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct) where T : WechatReply
    {
        using (response)
        {
            if (!response.IsSuccessStatusCode)
                throw new WechatApiException(-1, $"HTTP {(int)response.StatusCode}");
            T? reply;
            try
            {
                reply = await response.Content.ReadFromJsonAsync<T>(ct);
            }
            catch (JsonException)
            {
                throw new WechatApiException(-1, "reply is not JSON");
            }

            if (reply is null)
                throw new WechatApiException(-1, "empty reply");
            if (reply.ErrCode != 0)
                throw new WechatApiException(reply.ErrCode, reply.ErrMsg);
            return reply;
        }
    }
}
