using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CabinetOps.Sandbox.WechatPay;

/// <summary>Section <c>Sandbox:WechatPay</c>: the merchant this fake WeChat Pay serves and where its keys live.</summary>
public sealed class WechatPaySimulatorOptions
{
    public const string Section = "Sandbox:WechatPay";

    public string MchId { get; set; } = "";
    public string AppId { get; set; } = "";
    public string ServiceId { get; set; } = "";
    public string ApiV3Key { get; set; } = "";
    public string CertSerialNo { get; set; } = "";
    /// <summary>The merchant's public key (from its API certificate) that verifies our requests; relative to <c>DataPath</c>.</summary>
    public string MerchantPublicKeyPath { get; set; } = "";
    /// <summary>Folder of the simulator's own key pair (<c>pub_key.pem</c> is what the merchant configures); created if missing.</summary>
    public string KeysPath { get; set; } = "";
    public string PublicKeyId { get; set; } = "";

    /// <summary>How long WeChat takes to deduct after a non-zero complete (and between failed attempts while deductions fail).</summary>
    public TimeSpan DeductionDelay { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>A customer as WeChat Pay Score knows them.</summary>
public sealed record PayScoreUser(string OpenId, string State, string? AuthorizationCode, DateTimeOffset? ChangedAt);

/// <summary>
/// Fake WeChat Pay (wechatpay-v3.md §9, payscore.md §10): verifies the merchant's signatures like
/// WeChat, signs every answer with its own key (public-key mode), and sends encrypted, signed
/// notifications. Its memory is WeChat's, not CabinetOps'.
/// </summary>
public sealed partial class WechatPaySimulator
{
    private readonly ConcurrentDictionary<string, PayScoreUser> _users = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Code, string NotifyUrl, DateTimeOffset Expires)> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _notifyUrls = new(StringComparer.Ordinal);
    private readonly IOptions<WechatPaySimulatorOptions> _options;
    private readonly TimeProvider _clock;
    private readonly IHttpClientFactory _http;
    private readonly SandboxJournal _journal;
    private readonly ILogger<WechatPaySimulator> _logger;
    private readonly RSA _platformKey;
    private readonly string _root;

    public WechatPaySimulator(IOptions<WechatPaySimulatorOptions> options, IConfiguration configuration, TimeProvider clock, IHttpClientFactory http,
        SandboxJournal journal, ILogger<WechatPaySimulator> logger)
    {
        _options = options;
        _clock = clock;
        _http = http;
        _journal = journal;
        _logger = logger;
        _root = Path.GetFullPath(string.IsNullOrWhiteSpace(configuration["DataPath"]) ? "data" : configuration["DataPath"]!);
        _platformKey = EnsureKeys(Path.Combine(_root, options.Value.KeysPath));
    }

    public WechatPaySimulatorOptions Options => _options.Value;

    public bool Busy { get; set; }

    /// <summary>Fault "random failures": this share of API calls answers 500 SYSTEM_ERROR, before or after acting.</summary>
    public RandomFailures Failures { get; } = new();

    /// <summary>Fault "lost notifications": events happen (orders are paid) but nothing is sent; only queries reveal them.</summary>
    public bool DropNotifications { get; set; }

    public PayScoreUser User(string openId) => _users.GetValueOrDefault(openId) ?? new PayScoreUser(openId, "UNBINDUSER", null, null);

    /// <summary>The simulator's key pair: created once in the data folder, so the merchant can configure its public key.</summary>
    public static RSA EnsureKeys(string folder)
    {
        var privatePath = Path.Combine(folder, "platform_key.pem");
        if (!File.Exists(privatePath))
        {
            Directory.CreateDirectory(folder);
            using var created = RSA.Create(2048);
            File.WriteAllText(privatePath, created.ExportPkcs8PrivateKeyPem());
            File.WriteAllText(Path.Combine(folder, "pub_key.pem"), created.ExportSubjectPublicKeyInfoPem());
        }

        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(privatePath));
        return rsa;
    }

    /// <summary>Checks the merchant's Authorization header as WeChat does (§2): null when valid, else the reason.</summary>
    public string? VerifyMerchant(HttpRequest request, string target, string body)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("WECHATPAY2-SHA256-RSA2048 ", StringComparison.Ordinal))
            return "Http头Authorization值格式错误";
        var pairs = header["WECHATPAY2-SHA256-RSA2048 ".Length..].Split(',')
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1].Trim('"'));
        if (!pairs.TryGetValue("mchid", out var mchId) || mchId != Options.MchId || !pairs.TryGetValue("serial_no", out var serial) || serial != Options.CertSerialNo)
            return "商户证书序列号有误";
        if (!pairs.TryGetValue("timestamp", out var ts) || !long.TryParse(ts, out var seconds) || Math.Abs(_clock.GetUtcNow().ToUnixTimeSeconds() - seconds) > 300)
            return "Http头Authorization中的timestamp与发起请求的时间不得超过5分钟";
        if (!pairs.TryGetValue("nonce_str", out var nonce) || !pairs.TryGetValue("signature", out var signature))
            return "Http头Authorization值格式错误";
        using var merchant = RSA.Create();
        merchant.ImportFromPem(File.ReadAllText(Path.Combine(_root, Options.MerchantPublicKeyPath)));
        var message = Encoding.UTF8.GetBytes($"{request.Method}\n{target}\n{ts}\n{nonce}\n{body}\n");
        var bytes = new byte[signature.Length];
        return Convert.TryFromBase64String(signature, bytes, out var n) && merchant.VerifyData(message, bytes.AsSpan(0, n), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            ? null : "签名错误";
    }

    /// <summary>Signs an answer or notification body (§3.1) and returns the four headers.</summary>
    public IReadOnlyDictionary<string, string> SignatureHeaders(string body)
    {
        var ts = _clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var signature = Convert.ToBase64String(_platformKey.SignData(Encoding.UTF8.GetBytes($"{ts}\n{nonce}\n{body}\n"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        return new Dictionary<string, string>
        {
            ["Wechatpay-Serial"] = Options.PublicKeyId,
            ["Wechatpay-Timestamp"] = ts,
            ["Wechatpay-Nonce"] = nonce,
            ["Wechatpay-Signature"] = signature,
            ["Request-ID"] = "08" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)),
        };
    }

    /// <summary>§3.1 of payscore.md: a token valid one hour, bound to the merchant's authorisation code.</summary>
    public string Apply(string authorizationCode, string notifyUrl)
    {
        var token = "sandbox-apt-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        _tokens[token] = (authorizationCode, notifyUrl, _clock.GetUtcNow().AddHours(1));
        return token;
    }

    /// <summary>The customer authorises on WeChat's page (the console plays the customer): AVAILABLE and a notification.</summary>
    public bool Authorize(string openId, string? token)
    {
        var now = _clock.GetUtcNow();
        var grant = token is not null && _tokens.TryGetValue(token, out var t) && t.Expires > now ? t : _tokens.Values.Where(x => x.Expires > now).LastOrDefault();
        if (grant.Code is null)
            return false;
        _users[openId] = new PayScoreUser(openId, "AVAILABLE", grant.Code, now);
        _notifyUrls[openId] = grant.NotifyUrl;
        Notify(grant.NotifyUrl, "PAYSCORE.USER_OPEN_SERVICE", "用户开启服务", PermissionResource(openId, "USER_OPEN_SERVICE", grant.Code, now), now);
        return true;
    }

    /// <summary>The customer closes the service in WeChat (钱包 → 支付分): UNAVAILABLE and a notification.</summary>
    public bool Revoke(string openId)
    {
        if (!_users.TryGetValue(openId, out var user) || user.State != "AVAILABLE")
            return false;
        var now = _clock.GetUtcNow();
        _users[openId] = user with { State = "UNAVAILABLE", ChangedAt = now };
        if (_notifyUrls.TryGetValue(openId, out var url))
            Notify(url, "PAYSCORE.USER_CLOSE_SERVICE", "用户关闭服务", PermissionResource(openId, "USER_CLOSE_SERVICE", user.AuthorizationCode, now), now);
        return true;
    }

    private string PermissionResource(string openId, string status, string? code, DateTimeOffset at) => new JsonObject
    {
        ["appid"] = Options.AppId,
        ["mchid"] = Options.MchId,
        ["service_id"] = Options.ServiceId,
        ["openid"] = openId,
        ["user_service_status"] = status,
        ["openorclose_time"] = at.ToOffset(TimeSpan.FromHours(8)).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture),
        ["authorization_code"] = code,
    }.ToJsonString();

    /// <summary>A notification (§6.2): the resource encrypted with the APIv3 key, the body signed, delivered in the background.</summary>
    private void Notify(string url, string eventType, string summary, string resource, DateTimeOffset at, string originalType = "payscore")
    {
        if (DropNotifications)
        {
            _journal.Record("微信支付通知", "POST", new Uri(url).AbsolutePath, 0, eventType + "（故障：通知丢失，未发送）");
            return;
        }

        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        var plain = Encoding.UTF8.GetBytes(resource);
        var sealedBytes = new byte[plain.Length + 16];
        using (var aes = new AesGcm(Encoding.UTF8.GetBytes(Options.ApiV3Key), 16))
            aes.Encrypt(Encoding.UTF8.GetBytes(nonce), plain, sealedBytes.AsSpan(0, plain.Length), sealedBytes.AsSpan(plain.Length), Encoding.UTF8.GetBytes(originalType));
        var body = new JsonObject
        {
            ["id"] = "EV-" + Guid.NewGuid().ToString("N")[..24],
            ["create_time"] = at.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture),
            ["resource_type"] = "encrypt-resource",
            ["event_type"] = eventType,
            ["summary"] = summary,
            ["resource"] = new JsonObject
            {
                ["original_type"] = originalType,
                ["algorithm"] = "AEAD_AES_256_GCM",
                ["ciphertext"] = Convert.ToBase64String(sealedBytes),
                ["associated_data"] = originalType,
                ["nonce"] = nonce,
            },
        }.ToJsonString();
        _ = Task.Run(() => DeliverAsync(url, body, eventType));
    }

    /// <summary>§6.5, time-scaled: resent (freshly signed) on anything but 2xx, a few times.</summary>
    private async Task DeliverAsync(string url, string body, string eventType)
    {
        var client = _http.CreateClient("sandbox-wechatpay-notify");
        foreach (var delay in new[] { TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10) })
        {
            await Task.Delay(delay, _clock);
            var status = 0;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                foreach (var (name, value) in SignatureHeaders(body))
                    request.Headers.TryAddWithoutValidation(name, value);
                request.Headers.TryAddWithoutValidation("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048");
                using var response = await client.SendAsync(request);
                status = (int)response.StatusCode;
            }
            catch (HttpRequestException ex)
            {
                _logger.LogWarning("Sandbox WeChat Pay notification {EventType} failed: {Error}", eventType, ex.Message);
            }

            _journal.Record("微信支付通知", "POST", new Uri(url).AbsolutePath, status, eventType);
            if (status is >= 200 and < 300)
                return;
        }
    }
}
