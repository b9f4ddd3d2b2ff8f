using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CabinetOps.IntegrationTests.Infrastructure;
using CabinetOps.Sandbox.Wechat;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CabinetOps.IntegrationTests.Features.Customers;

public abstract class CustomerLoginTests(AppFixture app)
{
    private TestHost Host => app.Host;

    [Fact]
    public async Task LoginAndPhoneBindingStoreThePhoneEncryptedAndLogNeitherPhoneNorOpenId()
    {
        var openId = WechatSimulator.OpenIdFor("login-test-" + Guid.NewGuid());
        const string phone = "13912345678";
        using var client = Host.CreateHttpClient();

        var token = await LoginAsync(client, openId);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/mp/me");
        Assert.False(me.GetProperty("phoneBound").GetBoolean());

        var phoneCode = await MintAsync(client, "/sandbox/wechat/phone-codes", new { phone });
        var bound = await client.PostAsJsonAsync("/api/mp/me/phone", new { code = phoneCode });
        Assert.Equal(HttpStatusCode.OK, bound.StatusCode);
        Assert.Equal("139****5678", (await bound.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("maskedPhone").GetString());

        // The raw column: ciphertext only, none of the number's digits in sequence.
        var raw = await Host.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<CabinetOpsDbContext>();
            return await db.Database.SqlQueryRaw<string>("SELECT phone AS \"Value\" FROM users WHERE open_id = {0}", openId).SingleAsync();
        });
        Assert.StartsWith("v1:", raw);
        Assert.DoesNotContain(phone, raw);
        Assert.DoesNotContain(phone[^4..], raw);
        Assert.DoesNotContain(phone[3..7], raw);

        // Lookup by the keyed hash finds the customer without decrypting anything.
        var found = await Host.WithScopeAsync(async sp =>
        {
            var protector = sp.GetRequiredService<CabinetOps.Server.Infrastructure.Security.PersonalDataProtector>();
            var hash = protector.Hash(CabinetOps.Server.Infrastructure.Security.PhoneNumber.HashPurpose, phone);
            return await sp.GetRequiredService<CabinetOpsDbContext>().Customers.Where(c => c.PhoneHash == hash).Select(c => c.OpenId).SingleAsync();
        });
        Assert.Equal(openId, found);

        var logs = string.Join("\n", Host.Logs.Lines);
        Assert.Contains("logged in", logs);
        Assert.DoesNotContain(phone, logs);
        Assert.DoesNotContain(openId, logs);
        Assert.DoesNotContain(token, logs);
    }

    [Fact]
    public async Task ReusedLoginCodeIsRefusedWithAChineseProblem()
    {
        using var client = Host.CreateHttpClient();
        var code = await MintAsync(client, "/sandbox/wechat/login-codes", new { openid = WechatSimulator.OpenIdFor("reuse") });
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/mp/auth/login", new { code })).StatusCode);
        var again = await HttpSurfaceTests.AssertProblemAsync(await client.PostAsJsonAsync("/api/mp/auth/login", new { code }), HttpStatusCode.Unauthorized);
        Assert.Equal("微信登录失败，请重试", again.GetProperty("title").GetString());
    }

    [Fact]
    public async Task WechatOutageIsA503ProblemNotA500()
    {
        using var client = Host.CreateHttpClient();
        var code = await MintAsync(client, "/sandbox/wechat/login-codes", new { openid = WechatSimulator.OpenIdFor("outage") });
        await client.PostAsJsonAsync("/sandbox/wechat/faults", new { busy = true });
        try
        {
            await HttpSurfaceTests.AssertProblemAsync(await client.PostAsJsonAsync("/api/mp/auth/login", new { code }), HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            await client.PostAsJsonAsync("/sandbox/wechat/faults", new { busy = false });
        }
    }

    [Fact]
    public async Task MeWithoutOrWithABadTokenIs401Problem()
    {
        using var client = Host.CreateHttpClient();
        await HttpSurfaceTests.AssertProblemAsync(await client.GetAsync("/api/mp/me"), HttpStatusCode.Unauthorized);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-token");
        await HttpSurfaceTests.AssertProblemAsync(await client.GetAsync("/api/mp/me"), HttpStatusCode.Unauthorized);
    }

    internal static async Task<string> LoginAsync(HttpClient client, string openId)
    {
        var code = await MintAsync(client, "/sandbox/wechat/login-codes", new { openid = openId });
        var login = await client.PostAsJsonAsync("/api/mp/auth/login", new { code });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    private static async Task<string> MintAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!;
    }
}

public sealed class CustomerLoginOnSqlite(SqliteApp app) : CustomerLoginTests(app), IClassFixture<SqliteApp>;

public sealed class CustomerLoginOnPostgres(PostgresApp app) : CustomerLoginTests(app), IClassFixture<PostgresApp>;
