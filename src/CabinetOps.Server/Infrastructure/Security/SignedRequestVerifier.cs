using System.Buffers;
using System.Globalization;
using System.Text.RegularExpressions;
using CabinetOps.Server.Infrastructure.Messaging;

namespace CabinetOps.Server.Infrastructure.Security;

/// <summary>What a signed inbound request is checked against (one contract, one sender).</summary>
public sealed record SignedSender(HmacScheme Scheme, string Source, string AppId, IReadOnlyList<string> Secrets, string SignedPath);

/// <summary>Outcome of <see cref="SignedRequestVerifier"/>: the raw body, or the failure code and HTTP status.</summary>
public sealed record VerifiedRequest(byte[]? Body, string? FailureCode, int Status, string? Detail)
{
    public bool Ok => FailureCode is null;
}

/// <summary>
/// Receiver-side checks of xiaomai.md §2.4, in the contract's order: headers and app id, timestamp
/// window, nonce format, body size, signature (current or previous secret, constant time), and only
/// then the nonce is burnt in the shared store — so a forged request cannot use up a real nonce.
/// </summary>
public sealed partial class SignedRequestVerifier(NonceStore nonces, TimeProvider clock)
{
    public const int WindowSeconds = 300;
    public static readonly TimeSpan NonceLifetime = TimeSpan.FromSeconds(600);
    public const int MaxBodyBytes = 1024 * 1024;

    public async Task<VerifiedRequest> VerifyAsync(HttpRequest request, SignedSender sender, CancellationToken ct)
    {
        var s = sender.Scheme;
        string? Header(string name) => request.Headers.TryGetValue(name, out var v) && v.Count == 1 ? v[0] : null;
        var appId = Header(s.AppIdHeader);
        var timestamp = Header(s.TimestampHeader);
        var nonce = Header(s.NonceHeader);
        var signature = Header(s.SignatureHeader);
        if (appId is null || timestamp is null || nonce is null || signature is null)
            return Fail("SIGNATURE_MISSING", "signing headers missing");
        if (!string.Equals(appId, sender.AppId, StringComparison.Ordinal))
            return Fail("APP_ID_UNKNOWN", "unknown app id");
        if (!DigitsOnly().IsMatch(timestamp) || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(clock.GetUtcNow().ToUnixTimeSeconds() - seconds) > WindowSeconds)
            return Fail("TIMESTAMP_OUT_OF_WINDOW", "timestamp outside the 300 s window");
        if (!NonceFormat().IsMatch(nonce))
            return Fail("SIGNATURE_INVALID", "malformed nonce");

        var body = await ReadBodyAsync(request, ct);
        if (body is null)
            return new VerifiedRequest(null, "PAYLOAD_TOO_LARGE", StatusCodes.Status413PayloadTooLarge, "body over 1 MiB");

        var bodyHash = HmacRequestSignature.BodyHash(body);
        var canonical = HmacRequestSignature.Canonical(s.Name, request.Method, sender.SignedPath, appId, timestamp, nonce, bodyHash);
        if (!sender.Secrets.Any(secret => HmacRequestSignature.Matches(HmacRequestSignature.Sign(secret, canonical), signature)))
            return Fail("SIGNATURE_INVALID", "signature mismatch");
        if (!await nonces.TryUseAsync($"{sender.Source}:{appId}", nonce, NonceLifetime, ct))
            return Fail("NONCE_REPLAYED", "nonce already used");
        return new VerifiedRequest(body, null, StatusCodes.Status200OK, null);

        static VerifiedRequest Fail(string code, string detail) => new(null, code, StatusCodes.Status401Unauthorized, detail);
    }

    /// <summary>The raw body, or null when it is larger than the contract's 1 MiB.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes)
            return null;
        var buffer = new ArrayBufferWriter<byte>();
        while (true)
        {
            var memory = buffer.GetMemory(16 * 1024);
            var read = await request.Body.ReadAsync(memory, ct);
            if (read == 0)
                return buffer.WrittenMemory.ToArray();
            buffer.Advance(read);
            if (buffer.WrittenCount > MaxBodyBytes)
                return null;
        }
    }

    [GeneratedRegex("^[0-9]{1,19}$")]
    private static partial Regex DigitsOnly();

    [GeneratedRegex("^[A-Za-z0-9_-]{16,64}$")]
    private static partial Regex NonceFormat();
}
