using JasperFx;
using CabinetOps.Sandbox;
using CabinetOps.Server.Components;
using CabinetOps.Server.Features.Alerts;
using CabinetOps.Server.Features.Complaints;
using CabinetOps.Server.Features.ExceptionOrders;
using CabinetOps.Server.Features.Settings;
using CabinetOps.Server.Features.Audit;
using CabinetOps.Server.Features.Customers;
using CabinetOps.Server.Features.Devices;
using CabinetOps.Server.Features.DoorSessions;
using CabinetOps.Server.Features.Orders;
using CabinetOps.Server.Features.Products;
using CabinetOps.Server.Features.Home;
using CabinetOps.Server.Features.ManualWork;
using CabinetOps.Server.Features.PayScore;
using CabinetOps.Server.Features.Staff;
using CabinetOps.Server.Features.Stores;
using CabinetOps.Server.Features.Tickets;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Messaging;
using CabinetOps.Server.Infrastructure.Observability;
using CabinetOps.Server.Infrastructure.Persistence;
using CabinetOps.Server.Infrastructure.Security;
using CabinetOps.Server.Integrations.Erp;
using CabinetOps.Server.Integrations.WechatLogin;
using CabinetOps.Server.Integrations.WechatPay;
using CabinetOps.Server.Integrations.Xiaomai;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using MudBlazor.Services;
using Scalar.AspNetCore;

namespace CabinetOps.Server;

/// <summary>Composition of the one deployable: APIs, admin web, webhooks, background work.</summary>
public static class CabinetOpsApp
{
    public static WebApplicationBuilder AddCabinetOps(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var config = builder.Configuration;
        RedactingLoggerFactory.Register(services);
        services.AddSingleton(TimeProvider.System);

        var paths = new DataPaths(config);
        services.AddSingleton(paths);
        var db = config.ReadDatabaseOptions(paths);
        services.AddPersistence(db);
        var demo = config.GetSection(DemoOptions.Section).Get<DemoOptions>() ?? new DemoOptions();
        services.AddSingleton(demo);
        services.AddScoped<DemoData>();
        // Before Wolverine: its hosted service needs the migrated tables.
        services.AddHostedService<StartupMigration>();
        builder.AddDurableWork(db);

        var personalData = config.GetSection(PersonalDataOptions.Section).Get<PersonalDataOptions>() ?? new PersonalDataOptions();
        services.AddSingleton(PersonalDataKeys.Load(personalData, paths));
        services.AddSingleton<PersonalDataProtector>();
        services.AddDataProtection().SetApplicationName("CabinetOps").PersistKeysToDbContext<CabinetOpsDbContext>();

        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = HttpSetup.MaxRequestBodyBytes);
        services.AddHttpSurface();
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section);
        services.AddScoped<DbRateLimiter>();
        // Behind nginx the client address arrives in X-Forwarded-For; only the configured proxies are trusted.
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in config.GetSection("ReverseProxy:KnownProxies").Get<string[]>() ?? [])
                o.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
        });
        services.AddOpenApi();
        services.AddReadiness();

        services.AddStaffAuthentication();
        services.AddSingleton<CustomerTokenCache>();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, CustomerBearerHandler>(CustomerBearerHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(CustomerAuthApi.CustomerPolicy, p =>
            p.AddAuthenticationSchemes(CustomerBearerHandler.SchemeName).RequireClaim(CustomerBearerHandler.CustomerIdClaim));
        services.AddOptions<MiniProgramOptions>().BindConfiguration(MiniProgramOptions.Section)
            .Validate(o => o.TokenLifetime > TimeSpan.Zero && o.TokenLifetime <= TimeSpan.FromDays(1), "MiniProgram:TokenLifetime must be between 0 and 1 day.")
            .ValidateOnStart();
        services.AddScoped<CustomerAuthHandlers>();

        services.AddOptions<WechatLoginOptions>().BindConfiguration(WechatLoginOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient<WechatLoginClient>((sp, http) =>
        {
            var o = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<WechatLoginOptions>>().Value;
            http.BaseAddress = new Uri(o.BaseUrl.EndsWith('/') ? o.BaseUrl : o.BaseUrl + "/");
            http.Timeout = o.Timeout;
        });
        services.AddScoped<WechatAccessTokens>();
        AddIntegrations(services);

        services.AddScoped<AuditWriter>();
        services.AddScoped<AuditLogQuery>();
        services.AddScoped<ManualWorkQueue>();
        services.AddScoped<HomeSummary>();
        services.AddScoped<StoreLookup>();
        services.AddScoped<StoreHandlers>();
        services.AddScoped<TicketLedger>();
        services.AddScoped<CustomerAdminHandlers>();
        services.AddScoped<StoreDefaults>();
        services.AddOptions<PublicUrlsOptions>().BindConfiguration(PublicUrlsOptions.Section);
        services.AddSingleton<PublicUrls>();
        services.AddScoped<DeviceStatus>();
        services.AddScoped<IXiaomaiEventProcessor>(sp => sp.GetRequiredService<DeviceStatus>());
        services.AddScoped<DeviceHandlers>();
        services.AddOptions<DoorSessionOptions>().BindConfiguration(DoorSessionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<DoorSessionMoves>();
        services.AddScoped<DoorOpener>();
        services.AddScoped<DoorSessionHandlers>();
        services.AddSingleton<DoorSessionSafetyNet>();
        services.AddScoped<PayScoreServiceOrders>();
        services.AddScoped<IWechatPayEventProcessor>(sp => sp.GetRequiredService<PayScoreServiceOrders>());
        services.AddScoped<IXiaomaiEventProcessor, DoorEvents>();
        services.AddScoped<OrderCharging>();
        services.AddScoped<OrderPushes>();
        services.AddScoped<IXiaomaiEventProcessor>(sp => sp.GetRequiredService<OrderPushes>());
        services.AddScoped<ExceptionQueue>();
        services.AddScoped<IXiaomaiEventProcessor>(sp => sp.GetRequiredService<ExceptionQueue>());
        services.AddScoped<ExceptionReview>();
        services.AddOptions<OrderOptions>().BindConfiguration(OrderOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<PayScoreCharging>();
        services.AddScoped<IWechatPayEventProcessor>(sp => sp.GetRequiredService<PayScoreCharging>());
        services.AddScoped<JsapiCharging>();
        services.AddScoped<IWechatPayEventProcessor>(sp => sp.GetRequiredService<JsapiCharging>());
        services.AddScoped<OrderRefunds>();
        services.AddOptions<CorrectionOptions>().BindConfiguration(CorrectionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<OrderCorrections>();
        services.AddOptions<ComplaintOptions>().BindConfiguration(ComplaintOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IComplaintPhotoStore, DiskComplaintPhotoStore>();
        services.AddScoped<ComplaintPhotoLinks>();
        services.AddScoped<ComplaintPhotoUploads>();
        services.AddScoped<CustomerComplaints>();
        services.AddScoped<ComplaintAdmin>();
        services.AddScoped<AlertBoard>();
        services.AddScoped<Features.Settings.GlobalSettings>();
        services.AddScoped<IWechatPayEventProcessor>(sp => sp.GetRequiredService<OrderRefunds>());
        services.AddScoped<CustomerOrderHandlers>();
        services.AddScoped<OrderAdmin>();
        services.AddSingleton<OrderExports>();
        services.AddOptions<ProductSyncOptions>().BindConfiguration(ProductSyncOptions.Section);
        services.AddScoped<ProductSync>();
        services.AddScoped<ProductHandlers>();
        AddRecurringJobs(services);

        if (config.GetValue<bool>("Sandbox:Enabled"))
            services.AddSandbox(config);

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        return builder;
    }

    /// <summary>One adapter per external system, each a typed client whose requests are signed per its contract.</summary>
    private static void AddIntegrations(IServiceCollection services)
    {
        services.AddScoped<NonceStore>();
        services.AddScoped<SignedRequestVerifier>();
        services.AddScoped<SecurityEventLog>();

        services.AddOptions<XiaomaiOptions>().BindConfiguration(XiaomaiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient<XiaomaiClient>((sp, http) =>
            {
                var o = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<XiaomaiOptions>>().Value;
                http.BaseAddress = new Uri(o.ApiBaseUrl.EndsWith('/') ? o.ApiBaseUrl : o.ApiBaseUrl + "/");
                // Each call sets its own deadline (OpenTimeoutSeconds / QueryTimeoutSeconds).
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddHttpMessageHandler(sp =>
            {
                var o = sp.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<XiaomaiOptions>>();
                return new HmacSigningHandler(HmacScheme.Xiaomai, () => (o.CurrentValue.AppId, o.CurrentValue.AppSecret), sp.GetRequiredService<TimeProvider>());
            });

        services.AddOptions<WechatPayOptions>().BindConfiguration(WechatPayOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<WechatPayKeys>();
        services.AddHttpClient<WechatPayClient>((sp, http) =>
        {
            var o = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<WechatPayOptions>>().Value;
            http.BaseAddress = new Uri(o.BaseUrl.EndsWith('/') ? o.BaseUrl : o.BaseUrl + "/");
            http.Timeout = o.Timeout;
        });
        services.AddScoped<PayScoreAuthorizations>();
        services.AddScoped<IWechatPayEventProcessor>(sp => sp.GetRequiredService<PayScoreAuthorizations>());

        services.AddOptions<ErpOptions>().BindConfiguration(ErpOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient<ErpClient>((sp, http) =>
            {
                var o = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ErpOptions>>().Value;
                http.BaseAddress = new Uri(o.BaseUrl.EndsWith('/') ? o.BaseUrl : o.BaseUrl + "/");
                http.Timeout = o.Timeout;
            })
            .AddHttpMessageHandler(sp =>
            {
                var o = sp.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<ErpOptions>>();
                return new HmacSigningHandler(HmacScheme.Erp, () => (o.CurrentValue.AppId, o.CurrentValue.AppSecret), sp.GetRequiredService<TimeProvider>());
            });
    }

    /// <summary>Periodic work, each run once per interval across the cluster (<see cref="RecurringJob"/>).</summary>
    private static void AddRecurringJobs(IServiceCollection services)
    {
        services.AddRecurringJob(new RecurringJob(ProductSync.JobName,
            sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ProductSyncOptions>>().Value.Interval,
            async (sp, ct) =>
            {
                var sync = sp.GetRequiredService<ProductSync>();
                if (await sync.StartAsync(ProductSyncTrigger.Schedule, null, null, ct) is { } run)
                    await sync.ExecuteAsync(run.Key, ct);
            }));
        services.AddRecurringJob(new RecurringJob(DeviceStatus.PullJobName,
            sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<XiaomaiOptions>>().Value.DeviceStatusPullInterval,
            (sp, ct) => sp.GetRequiredService<DeviceStatus>().PullAsync(ct)));
        services.AddRecurringJob(new RecurringJob(DoorSessionSafetyNet.JobName,
            sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<DoorSessionOptions>>().Value.SafetyNetSweepInterval,
            (sp, ct) => sp.GetRequiredService<DoorSessionSafetyNet>().SweepAsync(ct)));
        services.AddRecurringJob(new RecurringJob("purge-used-nonces", _ => TimeSpan.FromMinutes(10),
            (sp, ct) => sp.GetRequiredService<NonceStore>().PurgeExpiredAsync(ct)));
        services.AddRecurringJob(new RecurringJob("purge-rate-limit-windows", _ => TimeSpan.FromMinutes(5),
            (sp, ct) => sp.GetRequiredService<DbRateLimiter>().PurgePastWindowsAsync(ct)));
        services.AddRecurringJob(new RecurringJob("complaint-deadlines", _ => TimeSpan.FromMinutes(1),
            (sp, ct) => sp.GetRequiredService<ComplaintAdmin>().RaiseOverdueAlertsAsync(ct)));
        services.AddRecurringJob(new RecurringJob("purge-unused-complaint-photos", _ => TimeSpan.FromHours(1),
            (sp, ct) => sp.GetRequiredService<ComplaintPhotoUploads>().PurgeUnusedAsync(ct)));
        services.AddRecurringJobRunner();
    }

    public static WebApplication MapCabinetOps(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseExceptionHandler();
        // APIs answer unknown routes and bare status codes with problem+json; pages get the Chinese 404 page.
        app.UseWhen(c => HttpSetup.IsMachineEndpoint(c.Request.Path), a => a.UseStatusCodePages());
        app.UseWhen(c => !HttpSetup.IsMachineEndpoint(c.Request.Path), a => a.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        // Routing again after the status-code middleware, so a re-executed request (the 404 page) is routed.
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/api/docs", o => o.WithTitle("智能柜营运系统 API").WithOpenApiRoutePattern("/openapi/{documentName}.json"));
        app.MapHealth();
        app.MapStaffApi();
        app.MapAuditApi();
        app.MapManualWorkApi();
        app.MapStoresApi();
        app.MapCustomerAdminApi();
        app.MapCustomerAuthApi();
        app.MapDevicesApi();
        app.MapDoorSessionsApi();
        app.MapCustomerOrdersApi();
        app.MapOrderAdminApi();
        app.MapOrderCorrectionsApi();
        app.MapCustomerComplaintsApi();
        app.MapComplaintAdminApi();
        app.MapAlertsApi();
        app.MapExceptionOrdersApi();
        app.MapGlobalSettingsApi();
        app.MapProductsApi();
        app.MapXiaomaiWebhook();
        app.MapWechatPayWebhook();
        app.MapPayScoreApi();
        if (app.Configuration.GetValue<bool>("Sandbox:Enabled"))
            app.MapSandbox();

        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    /// <summary>
    /// Runs the server, or one of the operator commands:
    /// <c>migrate</c> (the single migration step of a deployment) and
    /// <c>create-admin --username NAME [--name 显示名]</c> (password from CABINETOPS_ADMIN_PASSWORD or stdin).
    /// </summary>
    public static async Task<int> RunCabinetOpsAsync(this WebApplication app, string[] args)
    {
        var command = args.FirstOrDefault(a => !a.StartsWith('-') && !a.Contains('='));
        switch (command)
        {
            case "migrate":
                await MigrateAsync(app);
                return 0;
            case "create-admin":
                return await AdminCommands.CreateAdminAsync(app, args);
            // Wolverine's handler code, written ahead of time into Internal/Generated (decision 0013).
            case "codegen":
                return await app.RunJasperFxCommands(args);
            case null:
                break;
            default:
                await Console.Error.WriteLineAsync($"未知命令：{command}（可用：migrate、create-admin）");
                return 2;
        }

        RuntimeSettings.Log(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RuntimeSettings)));
        app.Lifetime.ApplicationStarted.Register(() => PrintWelcome(app, app.Services.GetRequiredService<DemoOptions>().Enabled));
        await app.RunAsync();
        return 0;
    }

    private static async Task MigrateAsync(WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        Console.WriteLine("数据库迁移完成");
    }

    private static void PrintWelcome(WebApplication app, bool demo)
    {
        var url = app.Urls.FirstOrDefault() ?? "http://127.0.0.1:5080";
        Console.WriteLine();
        Console.WriteLine($"智能柜营运系统已启动：{url}/");
        Console.WriteLine($"  API 文档：{url}/api/docs    就绪检查：{url}/readyz");
        if (app.Configuration.GetValue<bool>("Sandbox:Enabled"))
            Console.WriteLine($"  沙箱控制台：{url}/sandbox");
        if (demo)
            Console.WriteLine($"  演示账号：{string.Join("、", DemoData.Accounts.Select(a => a.UserName))}，密码均为 {DemoData.Password}");
        Console.WriteLine();
    }
}
