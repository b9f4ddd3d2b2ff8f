using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace CabinetOps.Server.Integrations.WechatPay;

/// <summary>What <c>wx.requestPayment</c> takes, named as the mini-program passes them.</summary>
public sealed record RequestPaymentParams(
    [property: JsonPropertyName("timeStamp")] string TimeStamp,
    [property: JsonPropertyName("nonceStr")] string NonceStr,
    [property: JsonPropertyName("package")] string Package,
    [property: JsonPropertyName("signType")] string SignType,
    [property: JsonPropertyName("paySign")] string PaySign);

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
    /// <summary><c>NEWTON</c> = collected through Pay Score; <c>MCH</c> = we reported it paid elsewhere (sync).</summary>
    public string? PaidType { get; set; }
    public string? PaidTime { get; set; }
    public string? TransactionId { get; set; }
}

/// <summary>jsapi-refund-bill.md §1.1: the prepay id of a JSAPI order (valid 2 hours).</summary>
public sealed class JsapiPrepay
{
    public string? PrepayId { get; set; }
}

/// <summary>§1.3 / §1.5: a payment as WeChat knows it (query answer and <c>TRANSACTION.SUCCESS</c> resource).</summary>
public sealed class Transaction
{
    public string? Appid { get; set; }
    public string? Mchid { get; set; }
    public string? OutTradeNo { get; set; }
    public string? TransactionId { get; set; }
    public string? TradeState { get; set; }
    public string? TradeStateDesc { get; set; }
    public DateTimeOffset? SuccessTime { get; set; }
    public TransactionAmount? Amount { get; set; }
}

public sealed class TransactionAmount
{
    public long? Total { get; set; }
    public long? PayerTotal { get; set; }
}

/// <summary>§2.1 / §2.2: a refund (its state is <c>status</c> in answers, <c>refund_status</c> in notifications).</summary>
public sealed class Refund
{
    public string? RefundId { get; set; }
    public string? OutRefundNo { get; set; }
    public string? TransactionId { get; set; }
    public string? Status { get; set; }
    public string? RefundStatus { get; set; }
    public DateTimeOffset? SuccessTime { get; set; }
    public RefundAmount? Amount { get; set; }
}

public sealed class RefundAmount
{
    public long? Refund { get; set; }
    public long? Total { get; set; }
}

public sealed class ApplyPermissionsAnswer
{
    public string? ApplyPermissionsToken { get; set; }
}

/// <summary>
/// Our WeChat Pay API v3 client (no SDK exists for us): every request is serialized once, signed
/// over those bytes and sent as they are; every 2xx answer is verified against the WeChat Pay
/// public key before it is believed (§3). Pay Score, JSAPI and refund calls live here.
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

    /// <summary>payscore.md §4.7: the customer paid outside Pay Score (our JSAPI payment); WeChat stops deducting.</summary>
    public Task<WechatPayResult<ServiceOrder>> SyncServiceOrderAsync(string outOrderNo, string paidTime, CancellationToken ct) =>
        SendAsync<ServiceOrder>(HttpMethod.Post, $"v3/payscore/serviceorder/{Uri.EscapeDataString(outOrderNo)}/sync",
            new { appid = O.AppId, service_id = O.ServiceId, type = "Order_Paid", detail = new { paid_time = paidTime } }, ct);

    /// <summary>jsapi-refund-bill.md §1.1: a JSAPI order from a body the caller rebuilds identically (same out_trade_no + same body = the current prepay id).</summary>
    public Task<WechatPayResult<JsapiPrepay>> CreateJsapiOrderAsync(string body, CancellationToken ct) =>
        SendAsync<JsapiPrepay>(HttpMethod.Post, "v3/pay/transactions/jsapi", body, ct);

    /// <summary>§1.3: a payment by our out_trade_no (the mchid query is part of the signed URL).</summary>
    public Task<WechatPayResult<Transaction>> QueryTransactionAsync(string outTradeNo, CancellationToken ct) =>
        SendAsync<Transaction>(HttpMethod.Get, $"v3/pay/transactions/out-trade-no/{Uri.EscapeDataString(outTradeNo)}?mchid={Uri.EscapeDataString(O.MchId)}", null, ct);

    /// <summary>§1.4: close an unpaid JSAPI order before another is issued for the same debt.</summary>
    public Task<WechatPayResult<object>> CloseTransactionAsync(string outTradeNo, CancellationToken ct) =>
        SendAsync<object>(HttpMethod.Post, $"v3/pay/transactions/out-trade-no/{Uri.EscapeDataString(outTradeNo)}/close", new { mchid = O.MchId }, ct);

    /// <summary>§2.1: a refund from a body the caller rebuilds identically (same out_refund_no = same refund).</summary>
    public Task<WechatPayResult<Refund>> RefundAsync(string body, CancellationToken ct) =>
        SendAsync<Refund>(HttpMethod.Post, "v3/refund/domestic/refunds", body, ct);

    /// <summary>§2.2: a refund by our out_refund_no.</summary>
    public Task<WechatPayResult<Refund>> QueryRefundAsync(string outRefundNo, CancellationToken ct) =>
        SendAsync<Refund>(HttpMethod.Get, $"v3/refund/domestic/refunds/{Uri.EscapeDataString(outRefundNo)}", null, ct);

    /// <summary>§1.2: the five values of <c>wx.requestPayment</c>, signed with the merchant key (appId signed, not passed).</summary>
    public RequestPaymentParams RequestPayment(string prepayId)
    {
        var timeStamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = WechatPaySignature.NewNonce();
        var package = "prepay_id=" + prepayId;
        return new RequestPaymentParams(timeStamp, nonce, package, "RSA", WechatPaySignature.PaySign(keys.MerchantKey, O.AppId, timeStamp, nonce, package));
    }

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
