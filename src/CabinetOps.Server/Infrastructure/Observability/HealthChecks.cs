using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Wolverine.Persistence.Durability;

namespace CabinetOps.Server.Infrastructure.Observability;

/// <summary><c>/readyz</c>: the database answers and every migration is applied.</summary>
internal sealed class DatabaseReadyCheck(IServiceScopeFactory scopes) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var migrator = scope.ServiceProvider.GetRequiredService<DatabaseMigrator>();
        var db = scope.ServiceProvider.GetRequiredService<CabinetOpsDbContext>();
        if (!await db.Database.CanConnectAsync(ct))
            return HealthCheckResult.Unhealthy("database unreachable");
        return await migrator.IsCurrentAsync(ct)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("migrations pending: run `-- migrate`");
    }
}

/// <summary><c>/readyz</c>: background work (Wolverine) has started and reaches its message store.</summary>
internal sealed class DurableWorkReadyCheck(IHostApplicationLifetime lifetime, IMessageStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        if (!lifetime.ApplicationStarted.IsCancellationRequested || lifetime.ApplicationStopping.IsCancellationRequested)
            return HealthCheckResult.Unhealthy("background work not running");
        try
        {
            await store.Admin.CheckConnectivityAsync(ct);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("message store unreachable", e);
        }
    }
}

public static class HealthSetup
{
    public static IServiceCollection AddReadiness(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseReadyCheck>("database", tags: ["ready"])
            .AddCheck<DurableWorkReadyCheck>("durable-work", tags: ["ready"]);
        return services;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new() { Predicate = _ => false }).ExcludeFromDescription();
        app.MapHealthChecks("/readyz", new() { Predicate = c => c.Tags.Contains("ready") }).ExcludeFromDescription();
        return app;
    }
}
