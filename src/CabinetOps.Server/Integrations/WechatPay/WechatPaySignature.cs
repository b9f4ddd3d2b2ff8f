using System.Security.Cryptography;
using System.Text;

namespace CabinetOps.Server.Integrations.WechatPay;

/// <summary>
/// The WeChat Pay API v3 common layer (wechatpay-v3.md §2–§3, §6.3), on
/// System.Security.Cryptography only: SHA256withRSA request signatures, verification of responses
/// and notifications, and AEAD_AES_256_GCM decryption of notification resources.
/// </summary>
public static class WechatPaySignature
{
    public const string Scheme = "WECHATPAY2-SHA256-RSA2048";

    /// <summary>Responses and notifications older or newer than this are refused (§3.2 step 2).</summary>
    public const int WindowSeconds = 300;

    /// <summary>WeChat's signature probe: such a signature must fail verification (§3.2 step 3).</summary>
    public const string ProbePrefix = "WECHATPAY/SIGNTEST/";

    /// <summary>§2.2: five lines, each ending in a line feed, the last one included.</summary>
    public static string StringToSign(string method, string canonicalUrl, string timestamp, string nonce, string body) =>
        $"{method.ToUpperInvariant()}\n{canonicalUrl}\n{timestamp}\n{nonce}\n{body}\n";

    /// <summary>§3.1: timestamp, nonce and raw body, each ending in a line feed.</summary>
    public static string StringToVerify(string timestamp, string nonce, string body) => $"{timestamp}\n{nonce}\n{body}\n";

    /// <summary>§2.3: Base64 of SHA256withRSA (PKCS#1 v1.5) over the UTF-8 string.</summary>
    public static string Sign(RSA privateKey, string message) =>
        Convert.ToBase64String(privateKey.SignData(Encoding.UTF8.GetBytes(message), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    public static bool Verify(RSA publicKey, string message, string? signatureBase64)
    {
        if (string.IsNullOrEmpty(signatureBase64) || signatureBase64.StartsWith(ProbePrefix, StringComparison.Ordinal))
            return false;
        var signature = new byte[signatureBase64.Length];
        return Convert.TryFromBase64String(signatureBase64, signature, out var length)
            && publicKey.VerifyData(Encoding.UTF8.GetBytes(message), signature.AsSpan(0, length), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    /// <summary>§2.4: the Authorization header value, five quoted pairs without spaces.</summary>
    public static string Authorization(string mchId, string nonce, string timestamp, string serialNo, string signature) =>
        $"{Scheme} mchid=\"{mchId}\",nonce_str=\"{nonce}\",timestamp=\"{timestamp}\",serial_no=\"{serialNo}\",signature=\"{signature}\"";

    /// <summary>§6.3: key = the 32 ASCII bytes of the APIv3 key, IV = the nonce's bytes, tag = the last 16 bytes.</summary>
    public static string DecryptResource(string apiV3Key, string nonce, string? associatedData, string ciphertextBase64)
    {
        var key = Encoding.UTF8.GetBytes(apiV3Key);
        if (key.Length != 32)
            throw new CryptographicException("The APIv3 key must be 32 ASCII characters.");
        var sealedBytes = Convert.FromBase64String(ciphertextBase64);
        if (sealedBytes.Length < 16)
            throw new CryptographicException("The resource is shorter than its tag.");
        var plain = new byte[sealedBytes.Length - 16];
        using var aes = new AesGcm(key, 16);
        aes.Decrypt(Encoding.UTF8.GetBytes(nonce), sealedBytes.AsSpan(0, plain.Length), sealedBytes.AsSpan(plain.Length), plain,
            Encoding.UTF8.GetBytes(associatedData ?? ""));
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>
    /// The APIv2 signature of the Pay Score mini-program pages (payscore.md §7.2): non-empty fields
    /// sorted by key as <c>k=v&amp;…</c>, then <c>&amp;key=</c> and the APIv2 key, HMAC-SHA256 keyed with
    /// that key, upper-case hex.
    /// </summary>
    public static string SignV2(IEnumerable<KeyValuePair<string, string>> fields, string apiV2Key)
    {
        var text = string.Join('&', fields.Where(f => !string.IsNullOrEmpty(f.Value)).OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value}"))
            + "&key=" + apiV2Key;
        return Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(apiV2Key), Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>
    /// The <c>wx.requestPayment</c> paySign (jsapi-refund-bill.md §1.2): appId, timeStamp (seconds),
    /// nonceStr and <c>prepay_id=…</c>, each line ending in LF, signed like a request.
    /// </summary>
    public static string PaySign(RSA merchantKey, string appId, string timeStamp, string nonceStr, string package) =>
        Sign(merchantKey, $"{appId}\n{timeStamp}\n{nonceStr}\n{package}\n");

    /// <summary>Our nonce: 32 characters of [0-9a-zA-Z], like the official SDKs.</summary>
    public static string NewNonce() => RandomNumberGenerator.GetString("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", 32);

    /// <summary>Reads a PEM key (PKCS#8 private key, or SubjectPublicKeyInfo public key) from text.</summary>
    public static RSA ImportPem(string pem)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return rsa;
    }
}
