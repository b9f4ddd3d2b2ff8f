using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace CabinetOps.Server.Integrations.WechatPay;

/// <summary>A WeChat Pay answer: the body, or the error code and message (wechatpay-v3.md §5).</summary>
public sealed record WechatPayResult<T>(T? Data, int Status, string? ErrorCode, string? Message)
{
    public bool Ok => ErrorCode is null;

    /// <summary>No answer, a 5xx or a 429: the call may be retried with the same parameters.</summary>
    public bool Retryable => Status is 0 or 429 or >= 500;
}

public sealed class PayScorePermission
{
    public string? AuthorizationState { get; set; }
    public string? AuthorizationCode { get; set; }
}

/// <summary>The Pay Score service order entity (payscore.md §4.3), as far as we read it.</summary>
public sealed class ServiceOrder
{
    public string? OutOrderNo { get; set; }
    public string? OrderId { get; set; }
    public string? State { get; set; }
    public string? StateDescription { get; set; }
    public string? Package { get; set; }
    public long? TotalAmount { get; set; }
    public bool? NeedCollection { get; set; }
    public ServiceOrderCollection? Collection { get; set; }
}

/// <summary>§5/§6: what WeChat has collected. Paid = state DONE and collection state USER_PAID with paid_amount = total_amount.</summary>
public sealed class ServiceOrderCollection
{
    public string? State { get; set; }
    public long? TotalAmount { get; set; }
    public long? PaidAmount { get; set; }
    public List<ServiceOrderCollectionDetail>? Details { get; set; }
}

public sealed class ServiceOrderCollectionDetail
{
    public long? Amount { get; set; }
    public string? PaidTime { get; set; }
    public string? TransactionId { get; set; }
}

public sealed class ApplyPermissionsAnswer
{
    public string? ApplyPermissionsToken { get; set; }
}

/// <summary>
/// Our WeChat Pay API v3 client (no SDK exists for us): every request is serialized once, signed
/// over those bytes and sent as they are; every 2xx answer is verified against the WeChat Pay
/// public key before it is believed (§3). Pay Score calls live here; JSAPI and refunds follow.
/// </summary>
public sealed class WechatPayClient(HttpClient http, WechatPayKeys keys, IOptions<WechatPayOptions> options, TimeProvider clock, ILogger<WechatPayClient> logger)
{
    public const string Unreachable = "UNREACHABLE";
    public const string BadSignature = "RESPONSE_SIGNATURE_INVALID";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // WeChat rejects null: absent optional fields are omitted (§1).
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private WechatPayOptions O => options.Value;

    /// <summary>§3.2 of payscore.md: the customer's authorisation state by openid.</summary>
    public Task<WechatPayResult<PayScorePermission>> QueryPermissionAsync(string openId, CancellationToken ct) =>
        SendAsync<PayScorePermission>(HttpMethod.Get,
            $"v3/payscore/permissions/openid/{Uri.EscapeDataString(openId)}?service_id={Uri.EscapeDataString(O.ServiceId)}&appid={Uri.EscapeDataString(O.AppId)}", null, ct);

    /// <summary>§3.1: a token (valid 1 h) for the mini-program's authorisation page.</summary>
    public Task<WechatPayResult<ApplyPermissionsAnswer>> ApplyPermissionsAsync(string authorizationCode, CancellationToken ct) =>
        SendAsync<ApplyPermissionsAnswer>(HttpMethod.Post, "v3/payscore/permissions",
            new { service_id = O.ServiceId, appid = O.AppId, authorization_code = authorizationCode, notify_url = O.NotifyUrl }, ct);

    /// <summary>payscore.md §4.2: create a service order from a body the caller has persisted (resent unchanged on retries).</summary>
    public Task<WechatPayResult<ServiceOrder>> CreateServiceOrderAsync(string body, CancellationToken ct) =>
        SendAsync<ServiceOrder>(HttpMethod.Post, "v3/payscore/serviceorder", body, ct);

    /// <summary>§4.3: the service order by our number.</summary>
    public Task<WechatPayResult<ServiceOrder>> QueryServiceOrderAsync(string outOrderNo, CancellationToken ct) =>
        SendAsync<ServiceOrder>(HttpMethod.Get,
            $"v3/payscore/serviceorder?out_order_no={Uri.EscapeDataString(outOrderNo)}&service_id={Uri.EscapeDataString(O.ServiceId)}&appid={Uri.EscapeDataString(O.AppId)}", null, ct);

    /// <summary>§4.4: cancel before completion (re-entrant).</summary>
    public Task<WechatPayResult<ServiceOrder>> CancelServiceOrderAsync(string outOrderNo, string reason, CancellationToken ct) =>
        SendAsync<ServiceOrder>(HttpMethod.Post, $"v3/payscore/serviceorder/{Uri.EscapeDataString(outOrderNo)}/cancel",
            new { appid = O.AppId, service_id = O.ServiceId, reason }, ct);

    /// <summary>§4.5: complete with the real amount; re-entrant with the identical body, so the caller rebuilds it the same way on every retry.</summary>
    public Task<WechatPayResult<ServiceOrder>> CompleteServiceOrderAsync(string outOrderNo, string body, CancellationToken ct) =>
        SendAsync<ServiceOrder>(HttpMethod.Post, $"v3/payscore/serviceorder/{Uri.EscapeDataString(outOrderNo)}/complete", body, ct);

    /// <summary>A body is serialized once (or given as persisted JSON), signed over those bytes and sent as they are.</summary>
    private async Task<WechatPayResult<T>> SendAsync<T>(HttpMethod method, string relative, object? body, CancellationToken ct)
    {
        var bytes = body switch
        {
            null => [],
            string json => Encoding.UTF8.GetBytes(json),
            _ => JsonSerializer.SerializeToUtf8Bytes(body, Json),
        };
        using var request = new HttpRequestMessage(method, relative);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = WechatPaySignature.NewNonce();
        var canonical = new Uri(http.BaseAddress!, relative).PathAndQuery;
        var signature = WechatPaySignature.Sign(keys.MerchantKey, WechatPaySignature.StringToSign(method.Method, canonical, timestamp, nonce, Encoding.UTF8.GetString(bytes)));
        request.Headers.TryAddWithoutValidation("Authorization", WechatPaySignature.Authorization(O.MchId, nonce, timestamp, O.CertSerialNo, signature));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("CabinetOps", "1.0"));
        // Public-key mode: ask for answers signed with the WeChat Pay public key (§4).
        request.Headers.TryAddWithoutValidation("Wechatpay-Serial", O.PublicKeyId);

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            logger.LogWarning(ex, "WeChat Pay {Method} {Path} did not answer", method, canonical);
            return new(default, 0, Unreachable, "微信支付无响应");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            var requestId = response.Headers.TryGetValues("Request-ID", out var ids) ? ids.FirstOrDefault() : null;
            if (!response.IsSuccessStatusCode)
            {
                var error = TryParse<ErrorBody>(text);
                logger.LogWarning("WeChat Pay {Method} {Path} answered {Status} {Code} (Request-ID {RequestId})", method, canonical, (int)response.StatusCode, error?.Code, requestId);
                return new(default, (int)response.StatusCode, error?.Code ?? $"HTTP_{(int)response.StatusCode}", error?.Message);
            }

            if (!VerifyAnswer(response, text))
            {
                logger.LogError("WeChat Pay {Method} {Path}: the answer's signature does not verify (Request-ID {RequestId})", method, canonical, requestId);
                return new(default, (int)response.StatusCode, BadSignature, "微信支付应答验签失败");
            }

            return new(typeof(T) == typeof(object) ? default : TryParse<T>(text), (int)response.StatusCode, null, null);
        }
    }

    /// <summary>§3.2: serial must be our configured public-key id, timestamp within 300 s, signature over timestamp, nonce and raw body.</summary>
    public bool VerifyAnswer(HttpResponseMessage response, string body)
    {
        string? H(string name) => response.Headers.TryGetValues(name, out var v) ? v.FirstOrDefault() : null;
        return WechatPayVerification.Verify(keys.WechatPayPublicKey, O.PublicKeyId, H("Wechatpay-Serial"), H("Wechatpay-Timestamp"), H("Wechatpay-Nonce"),
            H("Wechatpay-Signature"), body, clock.GetUtcNow());
    }

    private static T? TryParse<T>(string text)
    {
        try
        {
            return string.IsNullOrEmpty(text) ? default : JsonSerializer.Deserialize<T>(text, Json);
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private sealed class ErrorBody
    {
        public string? Code { get; set; }
        public string? Message { get; set; }
    }
}

/// <summary>The receiver's checks of §3.2, shared by answers and notifications.</summary>
public static class WechatPayVerification
{
    public static bool Verify(System.Security.Cryptography.RSA publicKey, string expectedSerial, string? serial, string? timestamp, string? nonce, string? signature,
        string body, DateTimeOffset now) =>
        serial == expectedSerial && nonce is { Length: > 0 } && signature is not null
        && long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
        && Math.Abs(now.ToUnixTimeSeconds() - seconds) < WechatPaySignature.WindowSeconds
        && WechatPaySignature.Verify(publicKey, WechatPaySignature.StringToVerify(timestamp!, nonce, body), signature);
}
