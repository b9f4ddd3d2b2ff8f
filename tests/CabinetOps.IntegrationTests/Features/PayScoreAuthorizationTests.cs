using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CabinetOps.Sandbox.Wechat;

namespace CabinetOps.IntegrationTests.Features;

/// <summary>The authorisation round trip through the WeChat Pay simulator: signed calls, signed and encrypted notifications.</summary>
public abstract class PayScoreAuthorizationTests(AppFixture app)
{
    private TestHost Host => app.Host;

    [Fact]
    public async Task CustomerAuthorisesThenRevokesAndTheStateFollowsTheNotifications()
    {
        var alias = "payscore-" + Guid.NewGuid();
        var openId = WechatSimulator.OpenIdFor(alias);
        var (client, customerId) = await Host.CustomerClientAsync(alias);
        var page = await client.PostAsync("/api/mp/payscore/authorization", null);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var answer = await page.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("wxpayScoreEnable", answer.GetProperty("businessType").GetString());
        var token = answer.GetProperty("extraData").GetProperty("apply_permissions_token").GetString();

        using var sandbox = Host.CreateHttpClient();
        (await sandbox.PostAsync($"/sandbox/wechatpay/users/{openId}/authorize?token={token}", null)).EnsureSuccessStatusCode();
        using var ops = await Host.SignedInClientAsync("ops");
        await Eventually.WaitAsync(() => ops.GetFromJsonAsync<JsonElement>($"/api/admin/customers/{customerId}"),
            c => c.GetProperty("payScoreState").GetString() == "Authorized", "USER_OPEN_SERVICE applied");

        (await sandbox.PostAsync($"/sandbox/wechatpay/users/{openId}/revoke", null)).EnsureSuccessStatusCode();
        await Eventually.WaitAsync(() => ops.GetFromJsonAsync<JsonElement>($"/api/admin/customers/{customerId}"),
            c => c.GetProperty("payScoreState").GetString() == "Revoked", "USER_CLOSE_SERVICE applied");

        // Back from WeChat's page the mini-program asks: the signed, verified query answer is taken.
        var refreshed = await (await client.PostAsync("/api/mp/payscore/authorization/refresh", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Revoked", refreshed.GetProperty("state").GetString());
        Assert.Equal("已解除授权", refreshed.GetProperty("label").GetString());
    }

    [Fact]
    public async Task ANeverSeenCustomerIsNotAuthorisedAndAnOutageIsAClearError()
    {
        var (client, _) = await Host.CustomerClientAsync("payscore-new-" + Guid.NewGuid());
        var state = await (await client.PostAsync("/api/mp/payscore/authorization/refresh", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Unknown", state.GetProperty("state").GetString());
        Assert.Equal("未授权", state.GetProperty("label").GetString());
    }
}

public sealed class PayScoreAuthorizationOnSqlite(SqliteApp app) : PayScoreAuthorizationTests(app), IClassFixture<SqliteApp>;

public sealed class PayScoreAuthorizationOnPostgres(PostgresApp app) : PayScoreAuthorizationTests(app), IClassFixture<PostgresApp>;
