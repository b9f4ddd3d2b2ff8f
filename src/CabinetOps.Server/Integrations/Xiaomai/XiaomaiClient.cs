using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace CabinetOps.Server.Integrations.Xiaomai;

/// <summary>
/// A vendor answer: the data, or the contract's error code (§2.5) with a Chinese message for staff.
/// <see cref="OutcomeUnknown"/> is set after a timeout, a broken connection or a 5xx: the call may
/// have taken effect, so it must be resent or queried, never assumed to have failed.
/// </summary>
public sealed record XiaomaiResult<T>(T? Data, string? ErrorCode, string? Message, bool Retryable, bool OutcomeUnknown)
{
    public bool Ok => ErrorCode is null;

    public static XiaomaiResult<T> Success(T data) => new(data, null, null, false, false);
}

/// <summary>
/// Outbound half of the Xiaomai contract (xiaomai.md §2.7): device binding, status and listing.
/// Every request is signed by <see cref="Infrastructure.Security.HmacSigningHandler"/>.
/// </summary>
public sealed class XiaomaiClient(HttpClient http, IOptions<XiaomaiOptions> options, ILogger<XiaomaiClient> logger)
{
    public const string Unreachable = "UNREACHABLE";
    public const string BadReply = "BAD_REPLY";

    public Task<XiaomaiResult<XiaomaiDevice>> GetDeviceAsync(string deviceCode, CancellationToken ct) =>
        SendAsync<XiaomaiDevice>(HttpMethod.Get, $"v1/devices/{Uri.EscapeDataString(deviceCode)}", null, ct);

    public Task<XiaomaiResult<XiaomaiDevice>> BindAsync(string deviceCode, XiaomaiBindRequest body, CancellationToken ct) =>
        SendAsync<XiaomaiDevice>(HttpMethod.Put, $"v1/devices/{Uri.EscapeDataString(deviceCode)}/binding", body, ct);

    public Task<XiaomaiResult<XiaomaiDevice>> UnbindAsync(string deviceCode, CancellationToken ct) =>
        SendAsync<XiaomaiDevice>(HttpMethod.Delete, $"v1/devices/{Uri.EscapeDataString(deviceCode)}/binding", null, ct);

    /// <summary>
    /// Open the door (§2.7.5) with the contract's shorter deadline. A timeout, broken connection or
    /// 5xx leaves the outcome unknown: resend the identical request (same session id), never a new one.
    /// </summary>
    public Task<XiaomaiResult<XiaomaiOpenResult>> OpenAsync(string deviceCode, XiaomaiOpenRequest body, CancellationToken ct) =>
        SendAsync<XiaomaiOpenResult>(HttpMethod.Post, $"v1/devices/{Uri.EscapeDataString(deviceCode)}/open", body, ct, TimeSpan.FromSeconds(options.Value.OpenTimeoutSeconds));

    public Task<XiaomaiResult<XiaomaiSession>> GetSessionAsync(string sessionId, CancellationToken ct) =>
        SendAsync<XiaomaiSession>(HttpMethod.Get, $"v1/sessions/{Uri.EscapeDataString(sessionId)}", null, ct);

    public Task<XiaomaiResult<XiaomaiPage<XiaomaiDevice>>> ListDevicesAsync(int page, int pageSize, CancellationToken ct) =>
        SendAsync<XiaomaiPage<XiaomaiDevice>>(HttpMethod.Get, $"v1/devices?page={page}&page_size={pageSize}", null, ct);

    private async Task<XiaomaiResult<T>> SendAsync<T>(HttpMethod method, string relative, object? body, CancellationToken ct, TimeSpan? deadline = null)
    {
        using var request = new HttpRequestMessage(method, relative);
        if (body is not null)
            request.Content = JsonContent.Create(body, options: XiaomaiJson.Options);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(deadline ?? TimeSpan.FromSeconds(options.Value.QueryTimeoutSeconds));
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            logger.LogWarning(ex, "Xiaomai {Method} {Path} did not answer", method, relative);
            return new(default, Unreachable, "小麦系统无响应，请稍后重试", true, true);
        }

        using (response)
        {
            XiaomaiEnvelope<T>? envelope = null;
            try
            {
                envelope = await response.Content.ReadFromJsonAsync<XiaomaiEnvelope<T>>(XiaomaiJson.Options, ct);
            }
            catch (JsonException)
            {
            }

            if (response.IsSuccessStatusCode && envelope is { Code: "OK", Data: not null })
                return XiaomaiResult<T>.Success(envelope.Data);
            var code = envelope?.Code ?? (response.IsSuccessStatusCode ? BadReply : $"HTTP_{(int)response.StatusCode}");
            var unknown = (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout;
            logger.LogWarning("Xiaomai {Method} {Path} answered {Status} {Code}: {Message} (request {RequestId})",
                method, relative, (int)response.StatusCode, code, envelope?.Message, envelope?.RequestId);
            return new(default, code, Describe(code), envelope?.Retryable ?? unknown, unknown);
        }
    }

    /// <summary>The vendor's error codes in words staff understand.</summary>
    public static string Describe(string code) => code switch
    {
        "DEVICE_NOT_FOUND" => "小麦系统中没有这台设备，请核对设备编号",
        "ACCESS_DENIED" => "这台设备不属于本系统的小麦账号",
        "DEVICE_BUSY" => "设备正在使用中，请待顾客关门结算后再操作",
        "DEVICE_NOT_BOUND" => "设备尚未绑定门店",
        "DEVICE_DISABLED" => "设备已被小麦停用",
        "DEVICE_OFFLINE" => "设备离线",
        "SESSION_NOT_FOUND" => "小麦系统中没有这次开门记录",
        "IDEMPOTENCY_CONFLICT" => "开门请求与之前的请求不一致",
        "INVALID_ARGUMENT" => "小麦系统拒绝了请求参数",
        "RATE_LIMITED" => "小麦系统繁忙（限流），请稍后重试",
        "SIGNATURE_MISSING" or "APP_ID_UNKNOWN" or "SIGNATURE_INVALID" or "TIMESTAMP_OUT_OF_WINDOW" or "NONCE_REPLAYED" =>
            "小麦系统签名校验失败，请检查小麦 AppId 与密钥配置",
        "INTERNAL_ERROR" or "SERVICE_UNAVAILABLE" => "小麦系统暂时不可用，请稍后重试",
        Unreachable => "小麦系统无响应，请稍后重试",
        _ => $"小麦系统返回错误（{code}）",
    };
}
