using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CabinetOps.IntegrationTests.Infrastructure;
using CabinetOps.Server.Infrastructure.Messaging;
using CabinetOps.Server.Infrastructure.Persistence;
using CabinetOps.Server.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CabinetOps.IntegrationTests.Integrations;

/// <summary>
/// The server's clock stands at the contract's worked example 3 (timestamp 1795500005) and the
/// server holds the contract's test secret, so the example's exact bytes and headers are a valid push.
/// The WeChat Pay notification vector was made for the same instant.
/// </summary>
public abstract class ContractClockApp(DatabaseProvider provider) : AppFixture(provider)
{
    public const string AppId = XiaomaiVectors.AppId;
    public const string Secret = XiaomaiVectors.Secret;
    public const long ExampleTimestamp = 1795500005;

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeSeconds(ExampleTimestamp));

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Xiaomai:AppId"] = AppId,
        ["Xiaomai:AppSecret"] = Secret,
        ["Xiaomai:WebhookPublicUrl"] = "https://ops.example.com/webhooks/xiaomai",
        ["Sandbox:Xiaomai:AppId"] = AppId,
        ["Sandbox:Xiaomai:AppSecret"] = Secret,
        // WeChat Pay notifications verified with the openssl-made test key pair standing in for WeChat's.
        ["WeChatPay:PublicKeyPath"] = Path.Combine(AppContext.BaseDirectory, "Vectors", "wechatpay", "test_merchant_pub.pem"),
        ["WeChatPay:PublicKeyId"] = WechatPayVectorId,
        ["WeChatPay:ApiV3Key"] = "0123456789abcdefABCDEF0123456789",
    };

    public const string WechatPayVectorId = "PUB_KEY_ID_TEST";

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
}

public sealed class ContractClockSqliteApp() : ContractClockApp(DatabaseProvider.Sqlite);

public sealed class ContractClockPostgresApp() : ContractClockApp(DatabaseProvider.Postgres);

public abstract class XiaomaiWebhookTests(ContractClockApp app)
{
    private const string ExampleNonce = "Hj4Rt8Wq2Zx6Cv0Bn5Mk9Lp3Ds7Fg1Ay";
    private const string ExampleSignature = "66e3c0eece8225fbf4f024d2d63f6d541bae7b0d90c978adee6cbfb8bbced19d";
    private const string ExampleBody = XiaomaiVectors.Example3Body;

    private TestHost Host => app.Host;

    [Fact]
    public async Task TheContractsWorkedExampleIsAcceptedStoredOnceAndARepeatIsADuplicate()
    {
        // The example's own event id is used once per host; a fresh id keeps the cases independent.
        var eventId = "evt_" + Guid.NewGuid().ToString("N");
        var first = await SendAsync(Event(eventId, "door.opened", new { device_code = "XM-SH-000123" }));
        var ack = await AckAsync(first);
        Assert.Equal(eventId, ack.GetProperty("event_id").GetString());
        Assert.False(ack.GetProperty("duplicate").GetBoolean());

        var again = await AckAsync(await SendAsync(Event(eventId, "door.opened", new { device_code = "XM-SH-000123" })));
        Assert.True(again.GetProperty("duplicate").GetBoolean());
        Assert.Equal(1, await CountAsync(eventId));
    }

    [Fact]
    public async Task ExactWorkedExampleBytesAndHeadersAreValid()
    {
        // Only one test may spend the example's nonce; the others sign their own requests.
        using var request = Raw(ExampleBody, ContractClockApp.ExampleTimestamp.ToString(), ExampleNonce, ExampleSignature);
        var response = await Host.CreateHttpClient().SendAsync(request);
        var ack = await AckAsync(response);
        Assert.Equal("evt_20261124140004_0001", ack.GetProperty("event_id").GetString());
        // door.opened has no processor until the door-session feature: stored, acknowledged, marked ignored.
        var stored = await Eventually.WaitAsync(() => FindAsync("evt_20261124140004_0001"), m => m?.Status == InboundMessageStatus.Ignored, "push processed");
        Assert.Equal("door.opened", stored!.MessageType);
        Assert.Equal(ExampleBody, stored.Body);

        // The same request again: its nonce was used, so it is a replay — refused before anything else.
        using var replay = Raw(ExampleBody, ContractClockApp.ExampleTimestamp.ToString(), ExampleNonce, ExampleSignature);
        var problem = await ProblemAsync(await Host.CreateHttpClient().SendAsync(replay), HttpStatusCode.Unauthorized);
        Assert.Equal("NONCE_REPLAYED", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task ChangedBodyIsASignatureMismatchRecordedAsSecurityEventAndNotStored()
    {
        var tampered = ExampleBody.Replace("\"door_no\":1", "\"door_no\":2").Replace("evt_20261124140004_0001", "evt_tampered_" + Guid.NewGuid().ToString("N")[..8]);
        var nonce = HmacRequestSignature.NewNonce();
        var signature = Sign(ExampleBody, ContractClockApp.ExampleTimestamp.ToString(), nonce);
        var before = await SecurityEventsAsync("SIGNATURE_INVALID");
        var problem = await ProblemAsync(await Host.CreateHttpClient().SendAsync(Raw(tampered, ContractClockApp.ExampleTimestamp.ToString(), nonce, signature)),
            HttpStatusCode.Unauthorized);
        Assert.Equal("SIGNATURE_INVALID", problem.GetProperty("code").GetString());
        Assert.Equal(before + 1, await SecurityEventsAsync("SIGNATURE_INVALID"));
        Assert.Equal(0, await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().InboundMessages.CountAsync(m => m.Body == tampered)));

        // The nonce of a forged request is not burnt: the genuine request with it still goes through.
        var genuine = Event("evt_" + Guid.NewGuid().ToString("N"), "door.opened", new { });
        await AckAsync(await Host.CreateHttpClient().SendAsync(Raw(genuine, ContractClockApp.ExampleTimestamp.ToString(), nonce, Sign(genuine, ContractClockApp.ExampleTimestamp.ToString(), nonce))));
    }

    [Theory]
    [InlineData(-301, "TIMESTAMP_OUT_OF_WINDOW")]
    [InlineData(301, "TIMESTAMP_OUT_OF_WINDOW")]
    public async Task StaleOrFutureTimestampIsRefused(int offset, string code)
    {
        var body = Event("evt_" + Guid.NewGuid().ToString("N"), "door.opened", new { });
        var ts = (ContractClockApp.ExampleTimestamp + offset).ToString();
        var nonce = HmacRequestSignature.NewNonce();
        var problem = await ProblemAsync(await Host.CreateHttpClient().SendAsync(Raw(body, ts, nonce, Sign(body, ts, nonce))), HttpStatusCode.Unauthorized);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal(0, await CountAsync(JsonDocument.Parse(body).RootElement.GetProperty("event_id").GetString()!));
    }

    [Fact]
    public async Task MissingHeadersOrUnknownAppAreRefused()
    {
        var body = Event("evt_" + Guid.NewGuid().ToString("N"), "door.opened", new { });
        using var bare = new HttpRequestMessage(HttpMethod.Post, "/webhooks/xiaomai") { Content = Json(body) };
        Assert.Equal("SIGNATURE_MISSING", (await ProblemAsync(await Host.CreateHttpClient().SendAsync(bare), HttpStatusCode.Unauthorized)).GetProperty("code").GetString());

        var ts = ContractClockApp.ExampleTimestamp.ToString();
        var nonce = HmacRequestSignature.NewNonce();
        using var other = Raw(body, ts, nonce, Sign(body, ts, nonce), appId: "xm_app_99999");
        Assert.Equal("APP_ID_UNKNOWN", (await ProblemAsync(await Host.CreateHttpClient().SendAsync(other), HttpStatusCode.Unauthorized)).GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""{"event_type":"door.opened","occurred_at":"2026-11-24T14:00:04.480+08:00","data":{}}""")]
    [InlineData("""{"event_id":"evt_x1","event_type":"door.opened","occurred_at":"2026-11-24T14:00:04.480+08:00"}""")]
    public async Task SignedButMalformedPushIsInvalidPayload(string body)
    {
        var problem = await ProblemAsync(await SendAsync(body), HttpStatusCode.BadRequest);
        Assert.Equal("INVALID_PAYLOAD", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task BodyOverOneMebibyteIsTooLarge()
    {
        var body = Event("evt_" + Guid.NewGuid().ToString("N"), "door.opened", new { padding = new string('x', 1024 * 1024) });
        var ts = ContractClockApp.ExampleTimestamp.ToString();
        var nonce = HmacRequestSignature.NewNonce();
        var request = Raw(body, ts, nonce, Sign(body, ts, nonce));
        // The server refuses on Content-Length and closes the connection: without 100-continue the
        // client may still be writing the body and see a broken pipe instead of the answer.
        request.Headers.ExpectContinue = true;
        var problem = await ProblemAsync(await Host.CreateHttpClient().SendAsync(request), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("PAYLOAD_TOO_LARGE", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task UnknownEventTypeIsAcknowledgedStoredAndIgnored()
    {
        var eventId = "evt_" + Guid.NewGuid().ToString("N");
        await AckAsync(await SendAsync(Event(eventId, "cabinet.temperature", new { celsius = 4 })));
        var stored = await Eventually.WaitAsync(() => FindAsync(eventId), m => m?.Status == InboundMessageStatus.Ignored, "unknown push marked ignored");
        Assert.NotNull(stored!.Error);
    }

    [Fact]
    public async Task DeviceStatusAppliesOnlyANewerStatusVersion()
    {
        const string device = "SZ002-D02";
        async Task<bool> OnlineAsync() => await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().Devices.Where(d => d.DeviceCode == device)
            .Select(d => d.OnlineStatus).SingleAsync());
        async Task PushAsync(bool online, long version)
        {
            var id = "evt_" + Guid.NewGuid().ToString("N");
            await AckAsync(await SendAsync(Event(id, online ? "device.online" : "device.offline", new
            {
                device_code = device, store_code = "SZ002", online, status_version = version, changed_at = "2026-11-24T13:59:00.000+08:00",
                last_heartbeat_at = "2026-11-24T13:58:30.000+08:00", reason = online ? "RECONNECTED" : "HEARTBEAT_LOST",
            })));
            await Eventually.WaitAsync(() => FindAsync(id), m => m?.Status is InboundMessageStatus.Processed, "device push processed");
        }

        await PushAsync(false, 1_000_001);
        Assert.False(await OnlineAsync());
        await PushAsync(true, 1_000_003);
        Assert.True(await OnlineAsync());
        // A late offline with an older version leaves the device online (contract checklist 19).
        await PushAsync(false, 1_000_002);
        Assert.True(await OnlineAsync());
    }

    private static string Event(string id, string type, object data) =>
        JsonSerializer.Serialize(new { event_id = id, event_type = type, occurred_at = "2026-11-24T14:00:04.480+08:00", data });

    private static string Sign(string body, string timestamp, string nonce) => HmacRequestSignature.Sign(ContractClockApp.Secret,
        HmacRequestSignature.Canonical("XM1-HMAC-SHA256", "POST", "/webhooks/xiaomai", ContractClockApp.AppId, timestamp, nonce,
            HmacRequestSignature.BodyHash(Encoding.UTF8.GetBytes(body))));

    private Task<HttpResponseMessage> SendAsync(string body)
    {
        var ts = ContractClockApp.ExampleTimestamp.ToString();
        var nonce = HmacRequestSignature.NewNonce();
        return Host.CreateHttpClient().SendAsync(Raw(body, ts, nonce, Sign(body, ts, nonce)));
    }

    private static HttpRequestMessage Raw(string body, string timestamp, string nonce, string signature, string appId = ContractClockApp.AppId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/xiaomai") { Content = Json(body) };
        request.Headers.Add("X-Xm-AppId", appId);
        request.Headers.Add("X-Xm-Timestamp", timestamp);
        request.Headers.Add("X-Xm-Nonce", nonce);
        request.Headers.Add("X-Xm-Signature", signature);
        request.Headers.Add("X-Xm-Delivery-Attempt", "1");
        return request;
    }

    private static ByteArrayContent Json(string body)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private static async Task<JsonElement> AckAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var ack = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal("OK", ack.GetProperty("code").GetString());
        return ack;
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status) =>
        await HttpSurfaceTests.AssertProblemAsync(response, status);

    private Task<InboundMessage?> FindAsync(string eventId) => Host.WithScopeAsync(sp =>
        sp.GetRequiredService<CabinetOpsDbContext>().InboundMessages.AsNoTracking().FirstOrDefaultAsync(m => m.Source == "xiaomai" && m.MessageId == eventId));

    private Task<int> CountAsync(string eventId) => Host.WithScopeAsync(sp =>
        sp.GetRequiredService<CabinetOpsDbContext>().InboundMessages.CountAsync(m => m.Source == "xiaomai" && m.MessageId == eventId));

    private Task<int> SecurityEventsAsync(string code) => Host.WithScopeAsync(sp =>
        sp.GetRequiredService<CabinetOpsDbContext>().SecurityEvents.CountAsync(e => e.Source == "xiaomai" && e.Code == code));
}

public sealed class XiaomaiWebhookOnSqlite(ContractClockSqliteApp app) : XiaomaiWebhookTests(app), IClassFixture<ContractClockSqliteApp>;

public sealed class XiaomaiWebhookOnPostgres(ContractClockPostgresApp app) : XiaomaiWebhookTests(app), IClassFixture<ContractClockPostgresApp>;
