namespace CabinetOps.Server.Infrastructure.Persistence;

/// <summary>
/// On the embedded default: apply migrations and load the demo data before anything else starts.
/// Registered ahead of Wolverine so its message tables exist when durable work starts. In
/// production <c>Database:MigrateOnStartup</c> is false and <c>-- migrate</c> runs once per deployment.
/// </summary>
internal sealed class StartupMigration(IServiceScopeFactory scopes, DatabaseOptions database, DemoOptions demo) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!database.MigrateOnStartup && !demo.Enabled)
            return;
        await using var scope = scopes.CreateAsyncScope();
        if (database.MigrateOnStartup)
            await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
        if (demo.Enabled)
            await scope.ServiceProvider.GetRequiredService<DemoData>().SeedAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
