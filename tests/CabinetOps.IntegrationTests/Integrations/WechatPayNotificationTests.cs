using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CabinetOps.IntegrationTests.Infrastructure;
using CabinetOps.Server.Features.Customers;
using CabinetOps.Server.Infrastructure.Messaging;
using CabinetOps.Server.Infrastructure.Persistence;
using CabinetOps.Server.Integrations.WechatPay;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CabinetOps.IntegrationTests.Integrations;

/// <summary>
/// <c>POST /webhooks/wechatpay</c> with the notification made by make-vectors.sh (openssl signature,
/// Python AES-GCM resource), the server's clock at its timestamp.
/// </summary>
public abstract class WechatPayNotificationTests(ContractClockApp app)
{
    private const string OpenId = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o";
    private const string Nonce = "Hj4Rt8Wq2Zx6Cv0Bn5Mk9Lp3Ds7Fg1Ay";
    private const string ApiV3Key = "0123456789abcdefABCDEF0123456789";
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "Vectors", "wechatpay");
    private static readonly string VectorBody = File.ReadAllText(Path.Combine(Dir, "notification.json"));
    private static readonly string VectorSignature = File.ReadAllText(Path.Combine(Dir, "notification.sig")).Trim();

    private TestHost Host => app.Host;

    private Task<HttpResponseMessage> PostAsync(string body, string signature, string timestamp = "1795500005", string serial = ContractClockApp.WechatPayVectorId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/wechatpay") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Wechatpay-Serial", serial);
        request.Headers.Add("Wechatpay-Timestamp", timestamp);
        request.Headers.Add("Wechatpay-Nonce", Nonce);
        request.Headers.Add("Wechatpay-Signature", signature);
        request.Headers.Add("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048");
        return Host.CreateHttpClient().SendAsync(request);
    }

    /// <summary>Variants are signed here with the same test key (the exact vector above is the external check).</summary>
    private static string Sign(string body, string timestamp = "1795500005")
    {
        using var key = WechatPaySignature.ImportPem(File.ReadAllText(Path.Combine(Dir, "test_merchant_key.pem")));
        return WechatPaySignature.Sign(key, WechatPaySignature.StringToVerify(timestamp, Nonce, body));
    }

    private static string Notification(string id, string eventType, string status, string openorclose, string key = ApiV3Key, string openId = OpenId)
    {
        var plain = Encoding.UTF8.GetBytes(new JsonObject { ["openid"] = openId, ["user_service_status"] = status, ["openorclose_time"] = openorclose, ["service_id"] = "500001" }.ToJsonString());
        var sealedBytes = new byte[plain.Length + 16];
        using (var aes = new AesGcm(Encoding.UTF8.GetBytes(key), 16))
            aes.Encrypt("ABCDEF123456"u8, plain, sealedBytes.AsSpan(0, plain.Length), sealedBytes.AsSpan(plain.Length), "payscore"u8);
        return new JsonObject
        {
            ["id"] = id, ["create_time"] = "2026-11-24T14:00:05+08:00", ["resource_type"] = "encrypt-resource", ["event_type"] = eventType, ["summary"] = "x",
            ["resource"] = new JsonObject
            {
                ["original_type"] = "payscore", ["algorithm"] = "AEAD_AES_256_GCM", ["ciphertext"] = Convert.ToBase64String(sealedBytes),
                ["associated_data"] = "payscore", ["nonce"] = "ABCDEF123456",
            },
        }.ToJsonString();
    }

    private Task<(PayScoreAuthorization State, DateTime? At)> StateAsync(string openId = OpenId) => Host.WithScopeAsync(async sp =>
    {
        var c = await sp.GetRequiredService<CabinetOpsDbContext>().Customers.AsNoTracking().SingleAsync(x => x.OpenId == openId);
        return (c.PayScoreState, c.PayScoreStateAt);
    });

    private Task<int> StoredAsync(string id) => Host.WithScopeAsync(sp =>
        sp.GetRequiredService<CabinetOpsDbContext>().InboundMessages.CountAsync(m => m.Source == "wechatpay" && m.MessageId == id));

    private async Task EnsureCustomerAsync(string openId = OpenId)
    {
        if (await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().Customers.AnyAsync(c => c.OpenId == openId)))
            return;
        (await Host.CustomerClientAsync("vector", openId)).Client.Dispose();
    }

    [Fact]
    public async Task TheOpensslVectorIsAcceptedOnceAndAuthorisesTheCustomer()
    {
        await EnsureCustomerAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync(VectorBody, VectorSignature)).StatusCode);
        var (state, at) = await Eventually.WaitAsync(() => StateAsync(), s => s.State == PayScoreAuthorization.Authorized, "authorisation applied");
        Assert.Equal(new DateTime(2026, 11, 24, 6, 0, 5, DateTimeKind.Utc), at);

        // WeChat delivers it again: acknowledged, stored once, no second effect.
        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync(VectorBody, VectorSignature)).StatusCode);
        Assert.Equal(1, await StoredAsync("EV-2026112414000501"));
        Assert.Equal((state, at), await StateAsync());
    }

    [Fact]
    public async Task AChangedBodyAWrongSerialOrAStaleTimestampIsRefusedAndNotStored()
    {
        var tampered = VectorBody.Replace("用户开启服务", "用户关闭服务").Replace("EV-2026112414000501", "EV-TAMPERED-0001");
        var refused = await HttpSurfaceTests.AssertProblemAsync(await PostAsync(tampered, VectorSignature), HttpStatusCode.Unauthorized);
        Assert.Equal("FAIL", refused.GetProperty("code").GetString());
        Assert.Equal(0, await StoredAsync("EV-TAMPERED-0001"));

        await HttpSurfaceTests.AssertProblemAsync(await PostAsync(VectorBody, VectorSignature, serial: "PUB_KEY_ID_SOMEONE_ELSE"), HttpStatusCode.Unauthorized);
        await HttpSurfaceTests.AssertProblemAsync(await PostAsync(VectorBody, WechatPaySignature.ProbePrefix + VectorSignature), HttpStatusCode.Unauthorized);
        var stale = Notification("EV-STALE-0001", "PAYSCORE.USER_OPEN_SERVICE", "USER_OPEN_SERVICE", "20261124140005");
        await HttpSurfaceTests.AssertProblemAsync(await PostAsync(stale, Sign(stale, "1795499700"), "1795499700"), HttpStatusCode.Unauthorized);
        Assert.Equal(0, await StoredAsync("EV-STALE-0001"));
        Assert.True(await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().SecurityEvents.AnyAsync(e => e.Source == "wechatpay")));
    }

    [Fact]
    public async Task ASignedNotificationThatDoesNotDecryptIsRefused()
    {
        var foreign = Notification("EV-FOREIGN-0001", "PAYSCORE.USER_OPEN_SERVICE", "USER_OPEN_SERVICE", "20261124140005", key: "ffffffffffffffffffffffffffffffff");
        await HttpSurfaceTests.AssertProblemAsync(await PostAsync(foreign, Sign(foreign)), HttpStatusCode.BadRequest);
        Assert.Equal(0, await StoredAsync("EV-FOREIGN-0001"));
    }

    [Fact]
    public async Task AnOlderEventDoesNotUndoANewerOne()
    {
        // A customer of its own: the vector's customer belongs to the test above.
        const string other = "oSecondCustomerOlderEvent0001";
        await EnsureCustomerAsync(other);
        var close = Notification("EV-CLOSE-0001", "PAYSCORE.USER_CLOSE_SERVICE", "USER_CLOSE_SERVICE", "20261124150000", openId: other);
        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync(close, Sign(close))).StatusCode);
        await Eventually.WaitAsync(() => StateAsync(other), s => s.State == PayScoreAuthorization.Revoked, "revocation applied");
        var olderOpen = Notification("EV-OPEN-OLD-0001", "PAYSCORE.USER_OPEN_SERVICE", "USER_OPEN_SERVICE", "20261124130000", openId: other);
        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync(olderOpen, Sign(olderOpen))).StatusCode);
        await Eventually.WaitAsync(() => Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().InboundMessages.AsNoTracking()
            .SingleAsync(m => m.MessageId == "EV-OPEN-OLD-0001")), m => m.Status == InboundMessageStatus.Processed, "older event processed");
        Assert.Equal(PayScoreAuthorization.Revoked, (await StateAsync(other)).State);
    }
}

public sealed class WechatPayNotificationOnSqlite(ContractClockSqliteApp app) : WechatPayNotificationTests(app), IClassFixture<ContractClockSqliteApp>;

public sealed class WechatPayNotificationOnPostgres(ContractClockPostgresApp app) : WechatPayNotificationTests(app), IClassFixture<ContractClockPostgresApp>;
