using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace CabinetOps.Sandbox.Signing;

/// <summary>
/// The simulators' side of the HMAC request signature (xiaomai.md §2.4; the ERP contract uses the
/// same with its own scheme and header prefix). Written apart from the server's copy on purpose:
/// the sandbox never references the server, so a misreading in one is caught by the other, and
/// both are checked against the contract's worked examples.
/// </summary>
public sealed class SandboxSignature(string scheme, string headerPrefix, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seenNonces = new();

    public static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    public string Compute(string secret, string method, string target, string appId, string timestamp, string nonce, byte[] body)
    {
        var text = $"{scheme}\n{method}\n{target}\n{appId}\n{timestamp}\n{nonce}\n{Hex(SHA256.HashData(body))}";
        using var mac = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
        return Hex(mac.ComputeHash(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>Headers for a request the simulator sends (pushes).</summary>
    public IReadOnlyDictionary<string, string> Headers(string secret, string method, string target, string appId, byte[] body, DateTimeOffset? at = null)
    {
        var timestamp = (at ?? clock.GetUtcNow()).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var nonce = Guid.NewGuid().ToString("N");
        return new Dictionary<string, string>
        {
            [headerPrefix + "AppId"] = appId,
            [headerPrefix + "Timestamp"] = timestamp,
            [headerPrefix + "Nonce"] = nonce,
            [headerPrefix + "Signature"] = Compute(secret, method, target, appId, timestamp, nonce, body),
        };
    }

    /// <summary>Checks a request the simulator received; returns null when valid, else the contract's error code.</summary>
    public async Task<(string? Error, byte[] Body)> VerifyAsync(HttpRequest request, string appId, string secret)
    {
        string? H(string name) => request.Headers.TryGetValue(headerPrefix + name, out var v) ? v.ToString() : null;
        var (app, ts, nonce, sig) = (H("AppId"), H("Timestamp"), H("Nonce"), H("Signature"));
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        if (app is null || ts is null || nonce is null || sig is null)
            return ("SIGNATURE_MISSING", body);
        if (app != appId)
            return ("APP_ID_UNKNOWN", body);
        var now = clock.GetUtcNow();
        if (!long.TryParse(ts, System.Globalization.NumberStyles.None, null, out var seconds) || Math.Abs(now.ToUnixTimeSeconds() - seconds) > 300)
            return ("TIMESTAMP_OUT_OF_WINDOW", body);
        if (nonce.Length is < 16 or > 64 || !nonce.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            return ("SIGNATURE_INVALID", body);
        // The request-target exactly as sent on the wire, path prefix and percent-encoding untouched.
        var target = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path + request.QueryString;
        var expected = Compute(secret, request.Method, target, app, ts, nonce, body);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(sig)))
            return ("SIGNATURE_INVALID", body);
        foreach (var old in _seenNonces.Where(kv => kv.Value < now).Select(kv => kv.Key).ToList())
            _seenNonces.TryRemove(old, out _);
        if (!_seenNonces.TryAdd(app + ":" + nonce, now.AddSeconds(600)))
            return ("NONCE_REPLAYED", body);
        return (null, body);
    }
}
