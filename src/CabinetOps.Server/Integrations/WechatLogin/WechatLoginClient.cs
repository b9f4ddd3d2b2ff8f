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
        var reply = await ReadAsync<Code2SessionReply>(await SendAsync(() => http.GetAsync(url, ct), ct), ct);
        if (string.IsNullOrEmpty(reply.OpenId))
            throw new WechatApiException(WechatApiException.BadReply, "no openid in reply");
        return new WechatIdentity(reply.OpenId, reply.UnionId);
    }

    internal async Task<StableTokenReply> FetchStableTokenAsync(bool forceRefresh, CancellationToken ct)
    {
        var body = new StableTokenRequest { AppId = _options.AppId, Secret = _options.AppSecret, ForceRefresh = forceRefresh };
        var reply = await ReadAsync<StableTokenReply>(await SendAsync(() => http.PostAsJsonAsync("cgi-bin/stable_token", body, ct), ct), ct);
        if (string.IsNullOrEmpty(reply.AccessToken))
            throw new WechatApiException(WechatApiException.BadReply, "no access_token in reply");
        return reply;
    }

    internal async Task<WechatPhone> GetPhoneNumberAsync(string accessToken, string code, CancellationToken ct)
    {
        var response = await SendAsync(() => http.PostAsJsonAsync($"wxa/business/getuserphonenumber?access_token={Uri.EscapeDataString(accessToken)}", new PhoneNumberRequest { Code = code }, ct), ct);
        var reply = await ReadAsync<PhoneNumberReply>(response, ct);
        var info = reply.PhoneInfo ?? throw new WechatApiException(WechatApiException.BadReply, "no phone_info in reply");
        if (info.Watermark?.AppId != _options.AppId)
            throw new WechatApiException(WechatApiException.BadReply, "watermark appid does not match our AppID");
        var country = info.CountryCode.ValueKind switch
        {
            JsonValueKind.String => info.CountryCode.GetString() ?? "86",
            JsonValueKind.Number => info.CountryCode.GetRawText(),
            _ => "86",
        };
        return new WechatPhone(info.PurePhoneNumber ?? throw new WechatApiException(WechatApiException.BadReply, "no purePhoneNumber"), country);
    }

    /// <summary>A network failure or timeout reads like WeChat being unreachable, not like a bug of ours.</summary>
    private static async Task<HttpResponseMessage> SendAsync(Func<Task<HttpResponseMessage>> send, CancellationToken ct)
    {
        try
        {
            return await send();
        }
        catch (HttpRequestException e)
        {
            throw new WechatApiException(WechatApiException.Unreachable, e.Message);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new WechatApiException(WechatApiException.Unreachable, "timed out");
        }
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct) where T : WechatReply
    {
        using (response)
        {
            if (!response.IsSuccessStatusCode)
                throw new WechatApiException(WechatApiException.Unreachable, $"HTTP {(int)response.StatusCode}");
            T? reply;
            try
            {
                reply = await response.Content.ReadFromJsonAsync<T>(ct);
            }
            catch (JsonException)
            {
                throw new WechatApiException(WechatApiException.BadReply, "reply is not JSON");
            }

            if (reply is null)
                throw new WechatApiException(WechatApiException.BadReply, "empty reply");
            if (reply.ErrCode != 0)
                throw new WechatApiException(reply.ErrCode, reply.ErrMsg);
            return reply;
        }
    }
}
