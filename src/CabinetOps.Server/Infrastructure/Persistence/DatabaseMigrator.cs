using Microsoft.EntityFrameworkCore;
using Wolverine;
using Wolverine.Persistence.Durability;

namespace CabinetOps.Server.Infrastructure.Persistence;

/// <summary>
/// Applies EF migrations and builds Wolverine's message tables: the single "migrate" step of a
/// deployment (aspire-samples' DatabaseMigrations service). On the embedded default it runs at start-up.
/// </summary>
public sealed class DatabaseMigrator(CabinetOpsDbContext db, IMessageStore messageStore, DatabaseOptions options, ILogger<DatabaseMigrator> logger)
{
    public async Task MigrateAsync(CancellationToken ct)
    {
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            // WAL lets readers proceed while one writer commits; it is a property of the file.
            await db.Database.OpenConnectionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            await db.Database.CloseConnectionAsync();
        }

        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        await db.Database.MigrateAsync(ct);
        await messageStore.Admin.MigrateAsync();
        logger.LogInformation("Database migrated ({Provider}); {Count} migration(s) applied", options.Provider, pending.Count);
    }

    public async Task<bool> IsCurrentAsync(CancellationToken ct) =>
        !(await db.Database.GetPendingMigrationsAsync(ct)).Any();
}
