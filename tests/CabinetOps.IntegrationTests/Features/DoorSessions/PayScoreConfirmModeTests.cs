using System.Net.Http.Json;
using System.Text.Json;
using CabinetOps.Server.Integrations.WechatPay;

namespace CabinetOps.IntegrationTests.Features.DoorSessions;

/// <summary>需确认 mode, for merchants WeChat has not granted 免确认: the customer confirms each order on WeChat's page.</summary>
public abstract class ConfirmModeApp(Server.Infrastructure.Persistence.DatabaseProvider provider) : AppFixture(provider)
{
    public const string ApiV2Key = "sandboxApiV2Key0123456789abcdefg";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["WeChatPay:PayScoreMode"] = "Confirm",
        ["WeChatPay:ApiV2Key"] = ApiV2Key,
        ["DoorSessions:PayScoreConfirmTimeout"] = "00:00:03",
    };
}

public sealed class ConfirmModeSqliteApp() : ConfirmModeApp(Server.Infrastructure.Persistence.DatabaseProvider.Sqlite);

public sealed class ConfirmModePostgresApp() : ConfirmModeApp(Server.Infrastructure.Persistence.DatabaseProvider.Postgres);

public abstract class PayScoreConfirmModeTests(ConfirmModeApp app)
{
    private TestHost Host => app.Host;

    private async Task<(HttpClient Client, JsonElement Session)> OpenAsync()
    {
        var device = await Host.NewCabinetAsync();
        var (client, _) = await Host.CustomerClientAsync("confirm-" + Guid.NewGuid());
        // No authorisation in 需确认 mode: Pay Score is offered to everyone.
        var check = await (await client.PostAsJsonAsync("/api/mp/precheck", new { deviceCode = device })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(check.GetProperty("methods").EnumerateArray().Single(m => m.GetProperty("method").GetString() == "PayScore").GetProperty("available").GetBoolean());
        var session = await (await client.PostAsJsonAsync("/api/mp/sessions", new { deviceCode = device, paymentMethod = "PayScore", idempotencyKey = Guid.NewGuid().ToString("N") }))
            .Content.ReadFromJsonAsync<JsonElement>();
        return (client, session);
    }

    [Fact]
    public async Task TheDoorOpensOnlyAfterTheCustomerConfirmsOnWechatsPage()
    {
        var (client, session) = await OpenAsync();
        var no = session.GetProperty("sessionNo").GetString()!;
        Assert.Equal("Created", session.GetProperty("status").GetString());
        var page = session.GetProperty("payScoreConfirmation");
        Assert.Equal("wxpayScoreUse", page.GetProperty("businessType").GetString());
        var extra = page.GetProperty("extraData").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        Assert.Equal("HMAC-SHA256", extra["sign_type"]);
        // The page signature is the APIv2 one over the other five fields.
        Assert.Equal(extra["sign"], WechatPaySignature.SignV2(extra.Where(kv => kv.Key != "sign"), ConfirmModeApp.ApiV2Key));
        Assert.Equal("请在微信支付分页面确认订单", session.GetProperty("statusLabel").GetString());

        using var sandbox = Host.CreateHttpClient();
        (await sandbox.PostAsync($"/sandbox/wechatpay/orders/{no}/confirm", null)).EnsureSuccessStatusCode();
        // Back from WeChat's page the mini-program asks too; the notification and the query open the door once.
        await client.PostAsync($"/api/mp/sessions/{no}/payscore-confirmed", null);
        await Eventually.WaitAsync(() => client.GetFromJsonAsync<JsonElement>($"/api/mp/sessions/{no}"), s => s.GetProperty("status").GetString() == "Opened", "door opened");
        var vendor = await sandbox.GetFromJsonAsync<JsonElement>("/sandbox/xiaomai/sessions");
        Assert.Single(vendor.EnumerateArray(), s => s.GetProperty("session_id").GetString() == no);
    }

    [Fact]
    public async Task AnUnconfirmedOrderExpiresTheSessionAndIsCancelled()
    {
        var (client, session) = await OpenAsync();
        var no = session.GetProperty("sessionNo").GetString()!;
        var expired = await Eventually.WaitAsync(() => client.GetFromJsonAsync<JsonElement>($"/api/mp/sessions/{no}"),
            s => s.GetProperty("status").GetString() == "Expired", "session expired");
        Assert.Equal("PAYSCORE_NOT_CONFIRMED", expired.GetProperty("failureCode").GetString());
        using var sandbox = Host.CreateHttpClient();
        await Eventually.WaitAsync(() => sandbox.GetFromJsonAsync<JsonElement>($"/sandbox/wechatpay/orders/{no}"),
            o => o.GetProperty("state").GetString() == "REVOKED", "order cancelled");
    }
}

public sealed class PayScoreConfirmModeOnSqlite(ConfirmModeSqliteApp app) : PayScoreConfirmModeTests(app), IClassFixture<ConfirmModeSqliteApp>;

public sealed class PayScoreConfirmModeOnPostgres(ConfirmModePostgresApp app) : PayScoreConfirmModeTests(app), IClassFixture<ConfirmModePostgresApp>;
