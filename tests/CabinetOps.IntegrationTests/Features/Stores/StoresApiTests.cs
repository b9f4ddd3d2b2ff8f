using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CabinetOps.IntegrationTests.Infrastructure;
using MiniExcelLibs;

namespace CabinetOps.IntegrationTests.Features.Stores;

public abstract class StoresApiTests(AppFixture app)
{
    private TestHost Host => app.Host;

    private static object NewStore(string code, string name = "测试门店", string type = "Arcade", string property = "Direct", decimal? limit = null) => new
    {
        storeCode = code,
        storeName = name,
        storeType = type,
        storeProperty = property,
        address = "深圳市南山区测试路 1 号",
        phone = "0755-12345678",
        orderAmountLimit = limit,
    };

    private static string Code() => "T" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    [Fact]
    public async Task CreatedStoreUsesItsOwnSettingsAndGlobalDefaultsForTheRest()
    {
        using var ops = await Host.SignedInClientAsync("ops");
        var code = Code();
        var created = await ops.PostAsJsonAsync("/api/admin/stores", NewStore(code, limit: 88.5m));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var detail = await created.Content.ReadFromJsonAsync<JsonElement>();
        var effective = detail.GetProperty("effective");
        Assert.Equal(8850, effective.GetProperty("orderAmountLimit").GetProperty("fen").GetInt64());
        Assert.Equal(20, effective.GetProperty("itemCountLimit").GetInt32());
        Assert.Equal(500, effective.GetProperty("minTicketBalance").GetInt64());
        Assert.EndsWith($"/s/{code}", detail.GetProperty("qrUrl").GetString());
        Assert.Equal("电玩", detail.GetProperty("store").GetProperty("storeTypeLabel").GetString());

        using var admin = await Host.SignedInClientAsync("admin");
        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/admin/audit-log?action=store.create");
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("summary").GetString()!.Contains(code));
    }

    [Fact]
    public async Task DuplicateCodeIsAConflictAndWritesNothing()
    {
        using var ops = await Host.SignedInClientAsync("ops");
        var code = Code();
        Assert.Equal(HttpStatusCode.Created, (await ops.PostAsJsonAsync("/api/admin/stores", NewStore(code))).StatusCode);
        var again = await HttpSurfaceTests.AssertProblemAsync(await ops.PostAsJsonAsync("/api/admin/stores", NewStore(code.ToLowerInvariant(), "另一个")), HttpStatusCode.Conflict);
        Assert.Contains(code, again.GetProperty("title").GetString());
        var list = await ops.GetFromJsonAsync<JsonElement>($"/api/admin/stores?search={code}");
        Assert.Equal(1, list.GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("{\"storeCode\":\"X\",\"storeName\":\"名\",\"storeType\":\"Arcade\",\"storeProperty\":\"Direct\"}", "StoreCode")]
    [InlineData("{\"storeCode\":\"OKCODE1\",\"storeType\":\"Arcade\",\"storeProperty\":\"Direct\"}", "StoreName")]
    [InlineData("{\"storeCode\":\"OKCODE2\",\"storeName\":\"名\",\"storeProperty\":\"Direct\"}", "StoreType")]
    [InlineData("{\"storeCode\":\"OKCODE3\",\"storeName\":\"名\",\"storeType\":\"Arcade\",\"storeProperty\":\"Direct\",\"orderAmountLimit\":0}", "OrderAmountLimit")]
    [InlineData("{\"storeCode\":\"OKCODE4\",\"storeName\":\"名\",\"storeType\":\"Arcade\",\"storeProperty\":\"Direct\",\"orderAmountLimit\":1.005}", "orderAmountLimit")]
    public async Task InvalidStoresAreRefusedFieldByField(string body, string field)
    {
        using var ops = await Host.SignedInClientAsync("ops");
        var response = await ops.PostAsync("/api/admin/stores", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var problem = await HttpSurfaceTests.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(problem.GetProperty("errors").EnumerateObject(), e => e.Name.Equals(field, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ListFiltersSearchesPagesAndSorts()
    {
        using var ops = await Host.SignedInClientAsync("ops");
        var tag = Guid.NewGuid().ToString("N")[..6];
        foreach (var (name, type) in new[] { ($"甲{tag}", "Children"), ($"乙{tag}", "Children"), ($"丙{tag}", "SportsHall") })
            Assert.Equal(HttpStatusCode.Created, (await ops.PostAsJsonAsync("/api/admin/stores", NewStore(Code(), name, type, "Franchise"))).StatusCode);

        var children = await ops.GetFromJsonAsync<JsonElement>($"/api/admin/stores?search={tag}&type=Children&property=Franchise&sort=name&desc=true&pageSize=1&page=2");
        Assert.Equal(2, children.GetProperty("total").GetInt32());
        var item = Assert.Single(children.GetProperty("items").EnumerateArray());
        var names = new[] { $"甲{tag}", $"乙{tag}" }.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(names[0], item.GetProperty("storeName").GetString());
        var sports = await ops.GetFromJsonAsync<JsonElement>($"/api/admin/stores?search={tag}&type=SportsHall");
        Assert.Equal(1, sports.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task FranchiseManagerSeesAndEditsOnlyTheirStores()
    {
        using var franchise = await Host.SignedInClientAsync("franchise");
        var mine = await franchise.GetFromJsonAsync<JsonElement>("/api/admin/stores?pageSize=100");
        var codes = mine.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("storeCode").GetString()).ToList();
        Assert.Equal(["DG001", "FS001"], codes.Order().ToList());

        using var ops = await Host.SignedInClientAsync("ops");
        var all = await ops.GetFromJsonAsync<JsonElement>("/api/admin/stores?search=SZ001");
        var otherId = all.GetProperty("items")[0].GetProperty("id").GetInt32();
        await HttpSurfaceTests.AssertProblemAsync(await franchise.GetAsync($"/api/admin/stores/{otherId}"), HttpStatusCode.NotFound);
        await HttpSurfaceTests.AssertProblemAsync(await franchise.PutAsJsonAsync($"/api/admin/stores/{otherId}", NewStore("SZ001")), HttpStatusCode.NotFound);
        await HttpSurfaceTests.AssertProblemAsync(await franchise.GetAsync($"/api/admin/stores/{otherId}/qr.png"), HttpStatusCode.NotFound);
        await HttpSurfaceTests.AssertProblemAsync(await franchise.PostAsJsonAsync("/api/admin/stores", NewStore(Code())), HttpStatusCode.Forbidden);

        var ownId = mine.GetProperty("items").EnumerateArray().First(i => i.GetProperty("storeCode").GetString() == "FS001").GetProperty("id").GetInt32();
        var own = await franchise.GetFromJsonAsync<JsonElement>($"/api/admin/stores/{ownId}");
        var store = own.GetProperty("store");
        var edit = new
        {
            storeCode = "FS001",
            storeName = store.GetProperty("storeName").GetString(),
            storeType = store.GetProperty("storeType").GetString(),
            storeProperty = store.GetProperty("storeProperty").GetString(),
            minTicketBalance = 1000,
        };
        var saved = await franchise.PutAsJsonAsync($"/api/admin/stores/{ownId}", edit);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(1000, (await saved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("effective").GetProperty("minTicketBalance").GetInt64());
        await HttpSurfaceTests.AssertProblemAsync(await franchise.PutAsJsonAsync($"/api/admin/stores/{ownId}", edit with { storeProperty = "Direct" }), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task DisablingAStoreIsAuditedAndFiltersByStatus()
    {
        using var ops = await Host.SignedInClientAsync("ops");
        var code = Code();
        var created = await (await ops.PostAsJsonAsync("/api/admin/stores", NewStore(code))).Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("store").GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await ops.PostAsJsonAsync($"/api/admin/stores/{id}/status", new { enabled = false })).StatusCode);
        var disabled = await ops.GetFromJsonAsync<JsonElement>($"/api/admin/stores?search={code}&enabled=false");
        Assert.Equal(1, disabled.GetProperty("total").GetInt32());
        Assert.Equal(0, (await ops.GetFromJsonAsync<JsonElement>($"/api/admin/stores?search={code}&enabled=true")).GetProperty("total").GetInt32());
        using var finance = await Host.SignedInClientAsync("finance");
        await HttpSurfaceTests.AssertProblemAsync(await finance.PostAsJsonAsync($"/api/admin/stores/{id}/status", new { enabled = true }), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ExportIsAnExcelFileOfTheFilteredListWithChineseHeaders()
    {
        using var ops = await Host.SignedInClientAsync("ops");
        var tag = Guid.NewGuid().ToString("N")[..6];
        await ops.PostAsJsonAsync("/api/admin/stores", NewStore(Code(), $"导出{tag}", "SportsHall"));
        var response = await ops.GetAsync($"/api/admin/stores/export?search={tag}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType?.MediaType);
        await using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        var rows = stream.Query(useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        var row = Assert.Single(rows);
        Assert.Equal($"导出{tag}", row["门店名称"]);
        Assert.Equal("运动馆", row["类型"]);
        Assert.Equal("启用", row["状态"]);
    }

    [Fact]
    public async Task QrCodesArePngAndSvgOfTheStoreUrl()
    {
        using var ops = await Host.SignedInClientAsync("ops");
        var list = await ops.GetFromJsonAsync<JsonElement>("/api/admin/stores?search=SZ002");
        var id = list.GetProperty("items")[0].GetProperty("id").GetInt32();
        var png = await ops.GetAsync($"/api/admin/stores/{id}/qr.png");
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, (await png.Content.ReadAsByteArrayAsync())[..4]);
        var svg = await ops.GetStringAsync($"/api/admin/stores/{id}/qr.svg");
        Assert.Contains("<svg", svg);
    }
}

public sealed class StoresApiOnSqlite(SqliteApp app) : StoresApiTests(app), IClassFixture<SqliteApp>;

public sealed class StoresApiOnPostgres(PostgresApp app) : StoresApiTests(app), IClassFixture<PostgresApp>;
