using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CabinetOps.IntegrationTests.Infrastructure;

namespace CabinetOps.IntegrationTests.Features.Devices;

public abstract class DevicesApiTests(AppFixture app)
{
    private TestHost Host => app.Host;

    /// <summary>A cabinet the sandbox vendor has provisioned to our app, not yet known here.</summary>
    private async Task<string> ProvisionAsync()
    {
        var code = "XM-T" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        using var client = Host.CreateHttpClient();
        (await client.PostAsync($"/sandbox/xiaomai/devices?code={code}", null)).EnsureSuccessStatusCode();
        return code;
    }

    private static async Task<int> StoreIdAsync(HttpClient client, string code) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/admin/stores?search={code}")).GetProperty("items")[0].GetProperty("id").GetInt32();

    private async Task<JsonElement> VendorViewAsync(string code) =>
        (await Host.CreateHttpClient().GetFromJsonAsync<JsonElement>("/sandbox/xiaomai/devices")).EnumerateArray().Single(d => d.GetProperty("device_code").GetString() == code);

    [Fact]
    public async Task RegisterBindMoveAndUnbindGoThroughTheVendor()
    {
        using var ops = await Host.SignedInClientAsync("ops");
        var code = await ProvisionAsync();
        var sz1 = await StoreIdAsync(ops, "SZ001");
        var gz1 = await StoreIdAsync(ops, "GZ001");

        var created = await ops.PostAsJsonAsync("/api/admin/devices", new { deviceCode = code, storeId = sz1 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var device = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = device.GetProperty("id").GetInt32();
        Assert.Equal("SZ001", device.GetProperty("storeCode").GetString());
        Assert.True(device.GetProperty("online").GetBoolean());
        Assert.Equal("XM-V2-1D", device.GetProperty("model").GetString());
        Assert.EndsWith($"/d/{code}", device.GetProperty("qrUrl").GetString());
        Assert.Equal("SZ001", (await VendorViewAsync(code)).GetProperty("store_code").GetString());

        var moved = await (await ops.PutAsJsonAsync($"/api/admin/devices/{id}/binding", new { storeId = gz1 })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("GZ001", moved.GetProperty("storeCode").GetString());
        Assert.Equal("GZ001", (await VendorViewAsync(code)).GetProperty("store_code").GetString());

        var unbound = await ops.DeleteAsync($"/api/admin/devices/{id}/binding");
        Assert.Equal(HttpStatusCode.OK, unbound.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await unbound.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("storeId").ValueKind);
        Assert.Equal(JsonValueKind.Null, (await VendorViewAsync(code)).GetProperty("store_code").ValueKind);

        using var admin = await Host.SignedInClientAsync("admin");
        var audit = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/audit-log?targetType=Device&pageSize=50");
        var actions = audit.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("summary").GetString()!.Contains(code)).Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains("device.register", actions);
        Assert.Contains("device.move", actions);
        Assert.Contains("device.unbind", actions);
    }

    [Fact]
    public async Task VendorRefusalIsShownInChineseAndChangesNothing()
    {
        using var ops = await Host.SignedInClientAsync("ops");
        var unknown = await HttpSurfaceTests.AssertProblemAsync(
            await ops.PostAsJsonAsync("/api/admin/devices", new { deviceCode = "NO-SUCH-CABINET", storeId = await StoreIdAsync(ops, "SZ001") }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("小麦系统中没有这台设备", unknown.GetProperty("title").GetString());
        Assert.Equal(0, (await ops.GetFromJsonAsync<JsonElement>("/api/admin/devices?search=NO-SUCH-CABINET")).GetProperty("total").GetInt32());

        var code = await ProvisionAsync();
        var id = (await (await ops.PostAsJsonAsync("/api/admin/devices", new { deviceCode = code, storeId = await StoreIdAsync(ops, "SZ001") }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        // A customer is shopping: the vendor refuses to move the cabinet.
        (await Host.CreateHttpClient().PostAsync($"/sandbox/xiaomai/devices/{code}/busy?busy=true", null)).EnsureSuccessStatusCode();
        var busy = await HttpSurfaceTests.AssertProblemAsync(
            await ops.PutAsJsonAsync($"/api/admin/devices/{id}/binding", new { storeId = await StoreIdAsync(ops, "GZ001") }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("正在使用中", busy.GetProperty("title").GetString());
        await HttpSurfaceTests.AssertProblemAsync(await ops.DeleteAsync($"/api/admin/devices/{id}/binding"), HttpStatusCode.UnprocessableEntity);
        var after = await ops.GetFromJsonAsync<JsonElement>($"/api/admin/devices/{id}");
        Assert.Equal("SZ001", after.GetProperty("storeCode").GetString());
        Assert.Equal("SZ001", (await VendorViewAsync(code)).GetProperty("store_code").GetString());
    }

    [Fact]
    public async Task VendorOutageIsServiceUnavailableAndChangesNothing()
    {
        using var ops = await Host.SignedInClientAsync("ops");
        var code = await ProvisionAsync();
        using var sandbox = Host.CreateHttpClient();
        (await sandbox.PostAsync("/sandbox/xiaomai/faults?outage=true", null)).EnsureSuccessStatusCode();
        try
        {
            var problem = await HttpSurfaceTests.AssertProblemAsync(await ops.PostAsJsonAsync("/api/admin/devices", new { deviceCode = code }), HttpStatusCode.ServiceUnavailable);
            Assert.Contains("小麦系统暂时不可用", problem.GetProperty("title").GetString());
        }
        finally
        {
            (await sandbox.PostAsync("/sandbox/xiaomai/faults?outage=false", null)).EnsureSuccessStatusCode();
        }

        Assert.Equal(0, (await ops.GetFromJsonAsync<JsonElement>($"/api/admin/devices?search={code}")).GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("{\"deviceCode\":\"bad code!\"}", "DeviceCode")]
    [InlineData("{\"storeId\":1}", "DeviceCode")]
    public async Task InvalidRegistrationIsRejected(string body, string field)
    {
        using var ops = await Host.SignedInClientAsync("ops");
        var problem = await HttpSurfaceTests.AssertProblemAsync(await ops.PostAsync("/api/admin/devices", new StringContent(body, System.Text.Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task DuplicateDeviceCodeIsAConflict()
    {
        using var ops = await Host.SignedInClientAsync("ops");
        var problem = await HttpSurfaceTests.AssertProblemAsync(await ops.PostAsJsonAsync("/api/admin/devices", new { deviceCode = "SZ001-D01" }), HttpStatusCode.Conflict);
        Assert.Contains("SZ001-D01", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task FranchiseManagerSeesAndBindsOnlyTheirStoresDevices()
    {
        using var ops = await Host.SignedInClientAsync("ops");
        var sz1Device = (await ops.GetFromJsonAsync<JsonElement>("/api/admin/devices?search=SZ001-D02")).GetProperty("items")[0].GetProperty("id").GetInt32();
        var fsDevice = (await ops.GetFromJsonAsync<JsonElement>("/api/admin/devices?search=FS001-D02")).GetProperty("items")[0].GetProperty("id").GetInt32();
        var sz1 = await StoreIdAsync(ops, "SZ001");
        var dg1 = await StoreIdAsync(ops, "DG001");

        using var franchise = await Host.SignedInClientAsync("franchise");
        var list = await franchise.GetFromJsonAsync<JsonElement>("/api/admin/devices?pageSize=100");
        Assert.All(list.GetProperty("items").EnumerateArray(), d => Assert.Contains(d.GetProperty("storeCode").GetString(), new[] { "FS001", "DG001" }));
        await HttpSurfaceTests.AssertProblemAsync(await franchise.GetAsync($"/api/admin/devices/{sz1Device}"), HttpStatusCode.NotFound);
        await HttpSurfaceTests.AssertProblemAsync(await franchise.GetAsync($"/api/admin/devices/{sz1Device}/qr.png"), HttpStatusCode.NotFound);
        await HttpSurfaceTests.AssertProblemAsync(await franchise.PutAsJsonAsync($"/api/admin/devices/{fsDevice}/binding", new { storeId = sz1 }), HttpStatusCode.NotFound);
        await HttpSurfaceTests.AssertProblemAsync(await franchise.GetAsync($"/api/admin/stores/{sz1}/device-qr-sheet"), HttpStatusCode.NotFound);
        // Within scope a franchise manager may move a cabinet between their own stores.
        var moved = await franchise.PutAsJsonAsync($"/api/admin/devices/{fsDevice}/binding", new { storeId = dg1 });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await franchise.PutAsJsonAsync($"/api/admin/devices/{fsDevice}/binding", new { storeId = await StoreIdAsync(ops, "FS001") })).StatusCode);

        using var finance = await Host.SignedInClientAsync("finance");
        await HttpSurfaceTests.AssertProblemAsync(await finance.PostAsJsonAsync($"/api/admin/devices/{fsDevice}/status", new { enabled = false }), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task OfflinePushFromTheVendorShowsInTheListAndThePullRepairsAMissedOne()
    {
        using var ops = await Host.SignedInClientAsync("ops");
        using var sandbox = Host.CreateHttpClient();
        async Task<JsonElement> RowAsync(string code) => (await ops.GetFromJsonAsync<JsonElement>($"/api/admin/devices?search={code}")).GetProperty("items")[0];

        (await sandbox.PostAsync("/sandbox/xiaomai/devices/GZ001-D01/online?online=false&reason=POWER_LOSS", null)).EnsureSuccessStatusCode();
        var offline = await Eventually.WaitAsync(() => RowAsync("GZ001-D01"), r => !r.GetProperty("online").GetBoolean(), "offline push applied");
        Assert.Equal("POWER_LOSS", offline.GetProperty("offlineReason").GetString());
        Assert.Equal(1, (await ops.GetFromJsonAsync<JsonElement>("/api/admin/devices?search=GZ001-D01&online=false")).GetProperty("total").GetInt32());

        // The next change is never pushed (fault "drop"): only the periodic pull learns of it.
        (await sandbox.PostAsync("/sandbox/xiaomai/faults?drop=true", null)).EnsureSuccessStatusCode();
        try
        {
            (await sandbox.PostAsync("/sandbox/xiaomai/devices/GZ001-D01/online?online=true", null)).EnsureSuccessStatusCode();
        }
        finally
        {
            (await sandbox.PostAsync("/sandbox/xiaomai/faults?drop=false", null)).EnsureSuccessStatusCode();
        }

        Assert.False((await RowAsync("GZ001-D01")).GetProperty("online").GetBoolean());
        var pulled = await ops.PostAsync("/api/admin/devices/status-pull", null);
        Assert.Equal(HttpStatusCode.OK, pulled.StatusCode);
        Assert.True((await RowAsync("GZ001-D01")).GetProperty("online").GetBoolean());
    }

    [Fact]
    public async Task DisabledDeviceIsListedAsDisabled()
    {
        using var ops = await Host.SignedInClientAsync("ops");
        var id = (await ops.GetFromJsonAsync<JsonElement>("/api/admin/devices?search=ZH001-D02")).GetProperty("items")[0].GetProperty("id").GetInt32();
        var off = await (await ops.PostAsJsonAsync($"/api/admin/devices/{id}/status", new { enabled = false })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(off.GetProperty("isEnabled").GetBoolean());
        Assert.Contains((await ops.GetFromJsonAsync<JsonElement>("/api/admin/devices?enabled=false")).GetProperty("items").EnumerateArray(),
            d => d.GetProperty("id").GetInt32() == id);
        Assert.True((await (await ops.PostAsJsonAsync($"/api/admin/devices/{id}/status", new { enabled = true })).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("isEnabled").GetBoolean());
    }

    [Fact]
    public async Task QrCodeDecodesToTheDeviceUrlAndTheStoreSheetListsEveryCabinet()
    {
        using var ops = await Host.SignedInClientAsync("ops");
        var row = (await ops.GetFromJsonAsync<JsonElement>("/api/admin/devices?search=SZ002-D01")).GetProperty("items")[0];
        var png = await ops.GetAsync($"/api/admin/devices/{row.GetProperty("id").GetInt32()}/qr.png");
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        Assert.Equal("https://cab.example.com/d/SZ002-D01", QrDecoder.Decode(await png.Content.ReadAsByteArrayAsync()));
        var svg = await ops.GetStringAsync($"/api/admin/devices/{row.GetProperty("id").GetInt32()}/qr.svg");
        Assert.Contains("viewBox", svg);

        var sheet = await ops.GetAsync($"/api/admin/stores/{row.GetProperty("storeId").GetInt32()}/device-qr-sheet");
        Assert.Equal("text/html", sheet.Content.Headers.ContentType?.MediaType);
        var html = await sheet.Content.ReadAsStringAsync();
        Assert.Contains("size: A4", html);
        Assert.Contains("data-device=\"SZ002-D01\"", html);
        Assert.Contains("data-device=\"SZ002-D02\"", html);
        Assert.Contains("深圳海岸城电玩城", html);
    }
}

public sealed class DevicesApiOnSqlite(SqliteApp app) : DevicesApiTests(app), IClassFixture<SqliteApp>;

public sealed class DevicesApiOnPostgres(PostgresApp app) : DevicesApiTests(app), IClassFixture<PostgresApp>;
