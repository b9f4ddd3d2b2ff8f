using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace CabinetOps.Bench;

/// <summary>What every load generator sets up the same way: cabinets at the sandbox vendor, and signed-in customers.</summary>
public static class BenchSetup
{
    /// <summary>The vendor provisions the cabinet; staff register and bind it, as in production.</summary>
    public static async Task ProvisionCabinetAsync(HttpClient ops, string code, int storeId, CancellationToken ct)
    {
        (await ops.PostAsync($"/sandbox/xiaomai/devices?code={code}", null, ct)).EnsureSuccessStatusCode();
        (await ops.PostAsJsonAsync("/api/admin/devices", new { deviceCode = code, storeId }, ct)).EnsureSuccessStatusCode();
    }

    /// <summary>A mini-program client logged in with a sandbox login code for <paramref name="openId"/>.</summary>
    public static async Task<HttpClient> CustomerAsync(HttpMessageHandler handler, string baseUrl, string openId, CancellationToken ct)
    {
        var client = new HttpClient(handler, disposeHandler: false) { BaseAddress = new Uri(baseUrl) };
        var minted = await (await client.PostAsJsonAsync("/sandbox/wechat/login-codes", new { openid = openId }, ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        var login = await (await client.PostAsJsonAsync("/api/mp/auth/login", new { code = minted.GetProperty("code").GetString() }, ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("token").GetString());
        return client;
    }
}
