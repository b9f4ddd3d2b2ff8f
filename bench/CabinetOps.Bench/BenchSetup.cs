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

/// <summary>
/// Sends <c>/sandbox/*</c> requests to the simulators' own host when <c>BENCH_SANDBOX_URL</c> names one
/// (bench/lib.sh: the server under test runs without its sandbox, as in production), and everything
/// else to the server.
/// </summary>
public sealed class SandboxRouting(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private static readonly Uri? Sandbox = Environment.GetEnvironmentVariable("BENCH_SANDBOX_URL") is { Length: > 0 } url ? new Uri(url) : null;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Sandbox is not null && request.RequestUri is { } uri && uri.AbsolutePath.StartsWith("/sandbox/", StringComparison.Ordinal))
            request.RequestUri = new Uri(Sandbox, uri.PathAndQuery);
        return base.SendAsync(request, cancellationToken);
    }
}
