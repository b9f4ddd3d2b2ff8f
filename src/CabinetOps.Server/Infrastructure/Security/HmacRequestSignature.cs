using System.Security.Cryptography;
using System.Text;

namespace CabinetOps.Server.Infrastructure.Security;

/// <summary>
/// The HMAC-SHA256 request signature our server-to-server contracts use (xiaomai.md §2.4, and the
/// ERP contract which copies it with its own scheme name): a canonical string of scheme, method,
/// path-and-query, app id, Unix-seconds timestamp, nonce and the SHA-256 of the raw body, joined by
/// line feeds with none after the last line.
/// </summary>
public static class HmacRequestSignature
{
    /// <summary>SHA-256 of an empty body, the body hash of every GET and DELETE.</summary>
    public const string EmptyBodyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    public static string BodyHash(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA256.HashData(body));

    public static string Canonical(string scheme, string method, string pathAndQuery, string appId, string timestamp, string nonce, string bodyHash) =>
        string.Join('\n', scheme, method.ToUpperInvariant(), pathAndQuery, appId, timestamp, nonce, bodyHash);

    public static string Sign(string secret, string canonical) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(canonical)));

    /// <summary>Constant-time comparison of a received signature with the expected one.</summary>
    public static bool Matches(string expectedHex, string? receivedHex) =>
        receivedHex is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expectedHex), Encoding.ASCII.GetBytes(receivedHex));

    /// <summary>32 random alphanumerics: the recommended nonce.</summary>
    public static string NewNonce() => RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 32);
}

/// <summary>Header names and scheme of one contract that uses <see cref="HmacRequestSignature"/>.</summary>
public sealed record HmacScheme(string Name, string HeaderPrefix)
{
    public static readonly HmacScheme Xiaomai = new("XM1-HMAC-SHA256", "X-Xm-");
    public static readonly HmacScheme Erp = new("ERP1-HMAC-SHA256", "X-Erp-");

    public string AppIdHeader => HeaderPrefix + "AppId";
    public string TimestampHeader => HeaderPrefix + "Timestamp";
    public string NonceHeader => HeaderPrefix + "Nonce";
    public string SignatureHeader => HeaderPrefix + "Signature";
    public string RequestIdHeader => HeaderPrefix + "Request-Id";
}

/// <summary>
/// Signs every outgoing request of a typed client with a fresh timestamp and nonce. A retry is a
/// new request through this handler, so it is signed afresh (xiaomai.md §2.4).
/// </summary>
public sealed class HmacSigningHandler(HmacScheme scheme, Func<(string AppId, string Secret)> credentials, TimeProvider clock) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var (appId, secret) = credentials();
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var nonce = HmacRequestSignature.NewNonce();
        var canonical = HmacRequestSignature.Canonical(scheme.Name, request.Method.Method, request.RequestUri!.PathAndQuery, appId, timestamp, nonce,
            HmacRequestSignature.BodyHash(body));
        request.Headers.Remove(scheme.AppIdHeader);
        request.Headers.Remove(scheme.TimestampHeader);
        request.Headers.Remove(scheme.NonceHeader);
        request.Headers.Remove(scheme.SignatureHeader);
        request.Headers.Add(scheme.AppIdHeader, appId);
        request.Headers.Add(scheme.TimestampHeader, timestamp);
        request.Headers.Add(scheme.NonceHeader, nonce);
        request.Headers.Add(scheme.SignatureHeader, HmacRequestSignature.Sign(secret, canonical));
        return await base.SendAsync(request, cancellationToken);
    }
}
