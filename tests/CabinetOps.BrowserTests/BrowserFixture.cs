global using CabinetOps.TestSupport;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.Playwright;

namespace CabinetOps.BrowserTests;

/// <summary>
/// One server (embedded default shape: SQLite, sandbox, demo data) and one Debian Chromium for the
/// collection. Never a downloaded browser (notes/ci-recipes.md).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private TestDatabase? _database;

    public TestHost Host { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _database = TestDatabase.Sqlite();
        // The manual-work page test enqueues a unit of work of its own (BrokenVendorCall).
        Host = new TestHost(_database, settings: TestHost.TestWorkSettings).Start();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new() { Locale = "zh-CN", TimezoneId = "Asia/Shanghai" });
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (Host is not null)
            await Host.DisposeAsync();
        if (_database is not null)
            await _database.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
