using CabinetOps.Sandbox.Console;
using CabinetOps.Sandbox.Erp;
using CabinetOps.Sandbox.Wechat;
using CabinetOps.Sandbox.WechatPay;
using CabinetOps.Sandbox.Xiaomai;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CabinetOps.Sandbox;

/// <summary>
/// Simulators of the external systems, each speaking its protocol over real HTTP. Hosted by the
/// server only when <c>Sandbox:Enabled</c> is true (the embedded default); otherwise none of these
/// endpoints exist. The sandbox never references the server, so a misread spec cannot confirm itself.
/// </summary>
public static class SandboxSetup
{
    public static IServiceCollection AddSandbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<SandboxJournal>();
        services.AddOptions<WechatSimulatorOptions>().Bind(configuration.GetSection(WechatSimulatorOptions.Section));
        services.AddSingleton<WechatSimulator>();
        services.AddOptions<XiaomaiSimulatorOptions>().Bind(configuration.GetSection(XiaomaiSimulatorOptions.Section));
        services.AddSingleton<XiaomaiSimulator>();
        services.AddHttpClient("sandbox-xiaomai-push", c => c.Timeout = TimeSpan.FromSeconds(5));
        services.AddOptions<WechatPaySimulatorOptions>().Bind(configuration.GetSection(WechatPaySimulatorOptions.Section));
        services.AddSingleton<WechatPaySimulator>();
        services.AddHttpClient("sandbox-wechatpay-notify", c => c.Timeout = TimeSpan.FromSeconds(5));
        // The merchant configures the simulator's public key, so the key pair must exist before the server first verifies.
        var wechatPay = configuration.GetSection(WechatPaySimulatorOptions.Section).Get<WechatPaySimulatorOptions>();
        if (!string.IsNullOrEmpty(wechatPay?.KeysPath))
            WechatPaySimulator.EnsureKeys(Path.Combine(Path.GetFullPath(string.IsNullOrWhiteSpace(configuration["DataPath"]) ? "data" : configuration["DataPath"]!), wechatPay.KeysPath)).Dispose();
        services.AddOptions<ErpSimulatorOptions>().Bind(configuration.GetSection(ErpSimulatorOptions.Section));
        services.AddSingleton<ErpSimulator>();
        return services;
    }

    public static IEndpointRouteBuilder MapSandbox(this IEndpointRouteBuilder app)
    {
        app.MapWechatSimulator();
        app.MapXiaomaiSimulator();
        app.MapErpSimulator();
        app.MapWechatPaySimulator();
        app.MapSandboxConsole();
        return app;
    }
}
