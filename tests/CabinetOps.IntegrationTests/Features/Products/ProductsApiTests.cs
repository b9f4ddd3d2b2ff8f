using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CabinetOps.IntegrationTests.Infrastructure;
using MiniExcelLibs;

namespace CabinetOps.IntegrationTests.Features.Products;

public abstract class ProductsApiTests(AppFixture app)
{
    private TestHost Host => app.Host;

    private async Task<HttpClient> OpsWithCatalogueAsync()
    {
        var ops = await Host.SignedInClientAsync("ops");
        // Tests of one class run one at a time: the first one loads the catalogue for the others.
        if ((await ops.GetFromJsonAsync<JsonElement>("/api/admin/products")).GetProperty("total").GetInt32() == 0)
            Assert.Equal("Succeeded", (await ProductSyncTests.SyncAsync(ops)).GetProperty("status").GetString());

        return ops;
    }

    [Fact]
    public async Task ListSearchesAndFilters()
    {
        using var ops = await OpsWithCatalogueAsync();
        var drinks = await ops.GetFromJsonAsync<JsonElement>("/api/admin/products?category=饮料&pageSize=100");
        Assert.Equal(30, drinks.GetProperty("total").GetInt32());
        Assert.All(drinks.GetProperty("items").EnumerateArray(), p => Assert.Equal("饮料", p.GetProperty("category").GetString()));

        var byName = await ops.GetFromJsonAsync<JsonElement>("/api/admin/products?search=薯片");
        Assert.True(byName.GetProperty("total").GetInt32() > 0);
        Assert.All(byName.GetProperty("items").EnumerateArray(), p => Assert.Contains("薯片", p.GetProperty("name").GetString()));

        var first = byName.GetProperty("items")[0];
        var byBarcode = await ops.GetFromJsonAsync<JsonElement>($"/api/admin/products?search={first.GetProperty("barcode").GetString()}");
        Assert.Equal(first.GetProperty("productCode").GetString(), byBarcode.GetProperty("items")[0].GetProperty("productCode").GetString());

        var categories = await ops.GetFromJsonAsync<string[]>("/api/admin/products/categories");
        Assert.Equal(8, categories!.Length);

        var cheapestFirst = await ops.GetFromJsonAsync<JsonElement>("/api/admin/products?sort=price&pageSize=200");
        var prices = cheapestFirst.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("price").GetDecimal()).ToList();
        Assert.Equal(prices.Order(), prices);

        var offSale = await ops.GetFromJsonAsync<JsonElement>("/api/admin/products?status=OffSale&pageSize=200");
        Assert.All(offSale.GetProperty("items").EnumerateArray(), p => Assert.Equal("停售", p.GetProperty("statusLabel").GetString()));
    }

    [Fact]
    public async Task ExportHasTheFilteredRows()
    {
        using var ops = await OpsWithCatalogueAsync();
        var response = await ops.GetAsync("/api/admin/products/export?category=文具");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType?.MediaType);
        var rows = (await response.Content.ReadAsStreamAsync()).Query(useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(30, rows.Count);
        Assert.All(rows, r => Assert.Equal("文具", r["分类"]));
    }

    [Fact]
    public async Task StorePriceOverridesAreValidatedAuditedAndNeedThePermission()
    {
        using var ops = await OpsWithCatalogueAsync();
        var product = (await ops.GetFromJsonAsync<JsonElement>("/api/admin/products?search=P30001")).GetProperty("items")[0];
        var id = product.GetProperty("id").GetInt32();
        var store = (await ops.GetFromJsonAsync<JsonElement>("/api/admin/stores?search=SZ002")).GetProperty("items")[0].GetProperty("id").GetInt32();

        await HttpSurfaceTests.AssertProblemAsync(await ops.PutAsJsonAsync($"/api/admin/products/{id}/store-prices", new { storeId = store, price = 1.234m }), HttpStatusCode.BadRequest);
        await HttpSurfaceTests.AssertProblemAsync(await ops.PutAsJsonAsync($"/api/admin/products/{id}/store-prices", new { storeId = store, price = -1m }), HttpStatusCode.BadRequest);
        await HttpSurfaceTests.AssertProblemAsync(await ops.PutAsJsonAsync($"/api/admin/products/{id}/store-prices", new { price = 3m }), HttpStatusCode.BadRequest);
        await HttpSurfaceTests.AssertProblemAsync(await ops.PutAsJsonAsync("/api/admin/products/999999/store-prices", new { storeId = store, price = 3m }), HttpStatusCode.NotFound);

        var set = await ops.PutAsJsonAsync($"/api/admin/products/{id}/store-prices", new { storeId = store, price = 3.5m });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var detail = await set.Content.ReadFromJsonAsync<JsonElement>();
        var row = detail.GetProperty("storePrices").EnumerateArray().Single();
        Assert.Equal(3.5m, row.GetProperty("price").GetDecimal());
        Assert.Equal("SZ002", row.GetProperty("storeCode").GetString());
        Assert.Equal(product.GetProperty("price").GetDecimal(), detail.GetProperty("product").GetProperty("price").GetDecimal());

        using var franchise = await Host.SignedInClientAsync("franchise");
        await HttpSurfaceTests.AssertProblemAsync(await franchise.PutAsJsonAsync($"/api/admin/products/{id}/store-prices", new { storeId = store, price = 1m }), HttpStatusCode.Forbidden);
        // A franchise manager reads products, but not other stores' prices.
        var seen = await franchise.GetFromJsonAsync<JsonElement>($"/api/admin/products/{id}");
        Assert.Empty(seen.GetProperty("storePrices").EnumerateArray());

        var cleared = await ops.DeleteAsync($"/api/admin/products/{id}/store-prices/{store}");
        Assert.Empty((await cleared.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("storePrices").EnumerateArray());

        using var admin = await Host.SignedInClientAsync("admin");
        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/admin/audit-log?pageSize=100");
        var actions = audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains("product.store-price", actions);
        Assert.Contains("product.store-price-clear", actions);
    }
}

public sealed class ProductsApiOnSqlite(SqliteApp app) : ProductsApiTests(app), IClassFixture<SqliteApp>;

public sealed class ProductsApiOnPostgres(PostgresApp app) : ProductsApiTests(app), IClassFixture<PostgresApp>;
