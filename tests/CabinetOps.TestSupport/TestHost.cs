using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using CabinetOps.Server.Infrastructure.Messaging;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Wolverine;

namespace CabinetOps.TestSupport;

/// <summary>
/// The real server on Kestrel (loopback, its own port), with the sandbox simulators in-process so
/// the adapters call them over real HTTP. One database per host: a SQLite file in a temporary
/// data folder, or a fresh PostgreSQL database. Settings mirror the embedded default.
/// </summary>
public sealed class TestHost : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    /// <param name="port">A fixed port: a restarted server keeps its address, as a real one behind its DNS name does.</param>
    /// <param name="sandbox">The host whose simulators this server talks to (default: its own), for tests that restart the server but not the outside world.</param>
    public TestHost(TestDatabase database, Action<IServiceCollection>? services = null, IDictionary<string, string?>? settings = null, int? port = null,
        TestHost? sandbox = null)
    {
        Database = database;
        Port = port ?? FreePort();
        SandboxHost = sandbox ?? this;
        _services = services;
        _settings = new Dictionary<string, string?>
        {
            // One data folder with the simulators: the merchant key pair and the sandbox WeChat Pay public key live there.
            ["DataPath"] = SandboxHost.Database.DataPath,
            ["Database:Provider"] = database.Provider.ToString(),
            ["Database:MigrateOnStartup"] = "true",
            ["ConnectionStrings:CabinetOps"] = database.ConnectionString,
            ["Demo:Enabled"] = "true",
            ["Sandbox:Enabled"] = "true",
            ["Integrations:WechatLogin:BaseUrl"] = $"http://127.0.0.1:{SandboxHost.Port}/sandbox/wechat/",
            ["Xiaomai:ApiBaseUrl"] = $"http://127.0.0.1:{SandboxHost.Port}/sandbox/xiaomai/",
            ["Xiaomai:WebhookPublicUrl"] = $"http://127.0.0.1:{Port}/webhooks/xiaomai",
            ["Sandbox:Xiaomai:WebhookUrl"] = $"http://127.0.0.1:{Port}/webhooks/xiaomai",
            // The vendor's retry ladder, scaled from seconds to tenths of a second.
            ["Sandbox:Xiaomai:PushRetryDelays:0"] = "00:00:00.150",
            ["Sandbox:Xiaomai:PushRetryDelays:1"] = "00:00:00.300",
            ["Sandbox:Xiaomai:PushRetryDelays:2"] = "00:00:00.600",
            // The virtual customer pulls the door at once; the device confirms the unlock at once.
            ["Sandbox:Xiaomai:PullDelay"] = "00:00:00.100",
            ["Sandbox:Xiaomai:RecognitionDelay"] = "00:00:00.100",
            ["Sandbox:WechatPay:DeductionDelay"] = "00:00:00.100",
            ["Orders:PayScoreCollectionCheckAfter"] = "00:00:00.500",
            ["Orders:RefundCheckAfter"] = "00:00:00.500",
            ["WeChatPay:BaseUrl"] = $"http://127.0.0.1:{SandboxHost.Port}/sandbox/wechatpay/",
            ["WeChatPay:NotifyUrl"] = $"http://127.0.0.1:{Port}/webhooks/wechatpay",
            ["Erp:BaseUrl"] = $"http://127.0.0.1:{SandboxHost.Port}/sandbox/erp/",
            // Schedules off: tests start syncs and pulls themselves (a fixture of its own tests the schedule).
            ["ProductSync:Interval"] = "00:00:00",
            ["Xiaomai:DeviceStatusPullInterval"] = "00:00:00",
            // Short retry schedule and polling: tests never wait the real 15/30/60 s.
            ["DurableWork:RetryDelays:0"] = "00:00:00.200",
            ["DurableWork:RetryDelays:1"] = "00:00:00.400",
            ["DurableWork:RetryDelays:2"] = "00:00:00.800",
            ["DurableWork:PollingInterval"] = "00:00:00.100",
            // The sessions' safety net is swept every second (the shortest a recurring job runs), not every 5 s.
            ["DoorSessions:SafetyNetSweepInterval"] = "00:00:01",
            // Outside calls get a minute, not the production 5–10 s: on a loaded 2-core CI machine the
            // in-process simulators can be starved for seconds, and no test is about a timeout (faults
            // are switched on explicitly). A login that timed out read as "WeChat busy" and failed CI.
            ["Integrations:WechatLogin:Timeout"] = "00:01:00",
            ["WeChatPay:Timeout"] = "00:01:00",
            ["Xiaomai:OpenTimeoutSeconds"] = "60",
            ["Xiaomai:QueryTimeoutSeconds"] = "60",
            // Every test calls from 127.0.0.1; the limits are tested on their own (RateLimitTests).
            ["RateLimits:StaffSignInPerMinute"] = "10000",
            ["RateLimits:CustomerLoginPerMinute"] = "10000",
            ["RateLimits:PhoneBindingPerMinute"] = "10000",
            ["RateLimits:PrecheckPerMinute"] = "10000",
            ["RateLimits:OpenPerMinute"] = "10000",
            ["RateLimits:DeviceOpenPerMinute"] = "10000",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
            _settings[k] = v;
        UseKestrel(o => o.Listen(IPAddress.Loopback, Port));
    }

    public TestDatabase Database { get; }
    public int Port { get; }
    public TestHost SandboxHost { get; }
    public string Url => $"http://127.0.0.1:{Port}";
    public LogCapture Logs { get; } = new();

    /// <summary>Starts the server (migrations and demo data run as it starts).</summary>
    public TestHost Start()
    {
        StartServer();
        return this;
    }

    /// <summary>A client over real HTTP with its own cookie jar, like a browser.</summary>
    public HttpClient CreateHttpClient() =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = new Uri(Url) };

    public async Task<HttpClient> SignedInClientAsync(string userName, string password = DemoData.Password)
    {
        var client = CreateHttpClient();
        var response = await client.PostAsJsonAsync("/api/admin/auth/login", new { userName, password });
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"sign-in as {userName} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return client;
    }

    /// <summary>A mini-program client signed in as a new customer (login code from the WeChat simulator); returns it with the customer's id.</summary>
    public async Task<(HttpClient Client, int CustomerId)> CustomerClientAsync(string alias, string? openId = null)
    {
        var client = CreateHttpClient();
        openId ??= Sandbox.Wechat.WechatSimulator.OpenIdFor(alias);
        using var sandbox = SandboxHost.CreateHttpClient();
        var minted = await sandbox.PostAsJsonAsync("/sandbox/wechat/login-codes", new { openid = openId });
        minted.EnsureSuccessStatusCode();
        var code = (await minted.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("code").GetString();
        var login = await client.PostAsJsonAsync("/api/mp/auth/login", new { code });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("token").GetString();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var id = await WithScopeAsync(sp => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
            sp.GetRequiredService<CabinetOpsDbContext>().Customers.Where(c => c.OpenId == openId).Select(c => c.Id)));
        return (client, id);
    }

    /// <summary>
    /// A cabinet of its own for a test: provisioned at the sandbox vendor, then registered (and, with
    /// a store code, bound) through the admin API as staff would. Returns its device code.
    /// </summary>
    /// <summary>A new customer who has authorised Pay Score on WeChat's page (the simulator plays the customer).</summary>
    public async Task<(HttpClient Client, int CustomerId)> PayScoreCustomerAsync(string alias)
    {
        var (client, customerId) = await CustomerClientAsync(alias);
        var token = (await (await client.PostAsync("/api/mp/payscore/authorization", null)).Content.ReadFromJsonAsync<System.Text.Json.JsonElement>())
            .GetProperty("extraData").GetProperty("apply_permissions_token").GetString();
        using var sandbox = SandboxHost.CreateHttpClient();
        (await sandbox.PostAsync($"/sandbox/wechatpay/users/{Sandbox.Wechat.WechatSimulator.OpenIdFor(alias)}/authorize?token={token}", null)).EnsureSuccessStatusCode();
        await Eventually.WaitAsync(() => WithScopeAsync(sp => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
                sp.GetRequiredService<CabinetOpsDbContext>().Customers.Where(c => c.Id == customerId).Select(c => c.PayScoreState))),
            s => s == CabinetOps.Server.Features.Customers.PayScoreAuthorization.Authorized, "Pay Score authorised");
        return (client, customerId);
    }

    public async Task<string> NewCabinetAsync(string? storeCode = "SZ001")
    {
        var code = "XM-T" + Guid.NewGuid().ToString("N")[..9].ToUpperInvariant();
        using var sandbox = SandboxHost.CreateHttpClient();
        (await sandbox.PostAsync($"/sandbox/xiaomai/devices?code={code}", null)).EnsureSuccessStatusCode();
        using var ops = await SignedInClientAsync("ops");
        int? storeId = storeCode is null ? null
            : (await ops.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/admin/stores?search={storeCode}")).GetProperty("items")[0].GetProperty("id").GetInt32();
        (await ops.PostAsJsonAsync("/api/admin/devices", new { deviceCode = code, storeId })).EnsureSuccessStatusCode();
        return code;
    }

    /// <summary>The products on a sandbox cabinet's shelf: (sku code, the vendor's unit price in fen).</summary>
    public async Task<(string Sku, long PriceFen)[]> ShelfAsync(string device)
    {
        using var sandbox = SandboxHost.CreateHttpClient();
        return (await sandbox.GetFromJsonAsync<System.Text.Json.JsonElement>($"/sandbox/xiaomai/devices/{device}/shelf")).GetProperty("shelf").EnumerateArray()
            .Select(i => (i.GetProperty("sku_code").GetString()!, i.GetProperty("unit_price_fen").GetInt64())).ToArray();
    }

    /// <summary>
    /// A shopping trip as the customer makes it: opens <paramref name="device"/> (Tickets or PayScore),
    /// the virtual customer takes the products and closes the door, and the session reaches
    /// <paramref name="status"/> (Settled; Closed when the vendor could not settle it). Returns the session number.
    /// </summary>
    public async Task<string> ShopAsync(HttpClient customer, string device, string method, string status, params (string Sku, int Quantity)[] take)
    {
        using var sandbox = SandboxHost.CreateHttpClient();
        var opened = await customer.PostAsJsonAsync("/api/mp/sessions", new { deviceCode = device, paymentMethod = method, idempotencyKey = Guid.NewGuid().ToString("N") });
        var no = (await opened.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("sessionNo").GetString()!;
        await Eventually.WaitAsync(() => customer.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/mp/sessions/{no}"), s => s.GetProperty("status").GetString() == "Opened", "door opened");
        foreach (var (sku, quantity) in take)
            (await sandbox.PostAsync($"/sandbox/xiaomai/devices/{device}/take?sku={sku}&quantity={quantity}", null)).EnsureSuccessStatusCode();
        (await sandbox.PostAsync($"/sandbox/xiaomai/devices/{device}/close", null)).EnsureSuccessStatusCode();
        await Eventually.WaitAsync(() => customer.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/mp/sessions/{no}"), s => s.GetProperty("status").GetString() == status,
            $"session {status}");
        return no;
    }

    public async Task<T> WithScopeAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    /// <summary>Commits a unit of work, with the business change that causes it, the way features do.</summary>
    public Task EnqueueAsync(IExternalWork work, Action<CabinetOpsDbContext>? businessChange = null) => WithScopeAsync(async sp =>
    {
        var uow = sp.GetRequiredService<UnitOfWork>();
        businessChange?.Invoke(uow.Db);
        await uow.EnqueueAsync(work);
        await uow.CommitAsync(CancellationToken.None);
        return true;
    });

    /// <summary>With CABINETOPS_TEST_LOGDIR set, each host leaves its server log there (for CI artefacts).</summary>
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        var dir = Environment.GetEnvironmentVariable("CABINETOPS_TEST_LOGDIR");
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
            await File.WriteAllLinesAsync(Path.Combine(dir, $"host-{Port}-{Database.Provider}.log"), Logs.Lines);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        // UseSetting, not ConfigureAppConfiguration: the server reads its database settings while
        // it composes its services, before late configuration sources would apply.
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
        builder.ConfigureLogging(l => l.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        builder.ConfigureServices(s =>
        {
            s.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
            s.AddSingleton(new HostTag($"host-{Port}"));
            // Test-only units of work (handlers in the test assemblies) run through the real pipeline;
            // their handler code is not in the server's pre-generated code, so such hosts generate
            // it at run time. Every other host runs the server's pre-generated code, as production does.
            if (_settings.GetValueOrDefault("DurableWork:GeneratedCode") == nameof(JasperFx.CodeGeneration.TypeLoadMode.Dynamic))
                s.ConfigureWolverine(o =>
                {
                    foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name?.EndsWith("Tests", StringComparison.Ordinal) == true))
                        o.Discovery.IncludeAssembly(assembly);
                });
            _services?.Invoke(s);
        });
    }

    /// <summary>Settings for a host that runs the tests' own units of work (see ConfigureWebHost).</summary>
    public static IDictionary<string, string?> TestWorkSettings => new Dictionary<string, string?> { ["DurableWork:GeneratedCode"] = "Dynamic" };

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Names the host a handler ran in, for the "runs once across hosts" tests.</summary>
public sealed record HostTag(string Name);

/// <summary>Every log line the server writes, after the logging pipeline (so after redaction).</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> kv ? string.Join(" ", kv.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)} [{values}] {exception}");
        }
    }
}
