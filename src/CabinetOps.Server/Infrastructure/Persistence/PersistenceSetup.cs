using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CabinetOps.Server.Infrastructure.Persistence;

public static class PersistenceSetup
{
    /// <summary>How long a SQLite writer waits for the file's write lock (and for <see cref="SqliteWriteGate"/>) before it fails.</summary>
    private const int SqliteBusyTimeoutSeconds = 30;

    /// <summary>Reads <c>Database:*</c>, <c>ConnectionStrings:CabinetOps</c> and <c>DataPath</c> into one options object.</summary>
    public static DatabaseOptions ReadDatabaseOptions(this IConfiguration configuration, DataPaths paths)
    {
        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var cs = configuration.GetConnectionString("CabinetOps");
        if (string.IsNullOrWhiteSpace(cs))
        {
            if (options.Provider != DatabaseProvider.Sqlite)
                throw new InvalidOperationException("ConnectionStrings:CabinetOps is required when Database:Provider is Postgres.");
            cs = new SqliteConnectionStringBuilder { DataSource = paths.File("cabinetops.db") }.ToString();
        }

        if (options.Provider == DatabaseProvider.Sqlite)
        {
            // Several writers share the file (requests and durable work): wait for the lock
            // instead of failing at once with SQLITE_BUSY.
            var b = new SqliteConnectionStringBuilder(cs) { DefaultTimeout = SqliteBusyTimeoutSeconds, Pooling = true };
            cs = b.ToString();
        }

        options.ConnectionString = cs;
        return options;
    }

    /// <summary>
    /// Contexts kept for reuse (decision 0016). A node has a few dozen requests and units of work in
    /// flight; a burst beyond that gets fresh contexts, disposed afterwards instead of kept in memory.
    /// </summary>
    private const int PooledContexts = 64;

    public static IServiceCollection AddPersistence(this IServiceCollection services, DatabaseOptions db)
    {
        services.AddSingleton(db);
        if (db.Provider == DatabaseProvider.Sqlite)
        {
            services.AddDbContextPool<CabinetOpsDbContext, SqliteCabinetOpsDbContext>(o => o
                .UseSqlite(db.ConnectionString)
                .UseSnakeCaseNamingConvention()
                .AddInterceptors(new SqliteWriteGate(TimeSpan.FromSeconds(SqliteBusyTimeoutSeconds))), PooledContexts);
        }
        else
        {
            services.AddDbContextPool<CabinetOpsDbContext, PostgresCabinetOpsDbContext>(o => o
                .UseNpgsql(Tuned(db.ConnectionString))
                .UseSnakeCaseNamingConvention(), PooledContexts);
        }

        services.AddScoped<DatabaseMigrator>();
        return services;
    }

    /// <summary>
    /// The application's connections, tuned for its many short statements (decision 0016), unless the
    /// connection string sets the keyword itself. Wolverine's own connections keep the string as given.
    /// <list type="bullet">
    /// <item><c>Max Auto Prepare</c>: statements are prepared once per connection and their plans
    /// reused — parsing and planning the precheck's one query cost PostgreSQL more than running it.</item>
    /// <item><c>No Reset On Close</c>: a connection taken from the pool is not reset first (a reset is a
    /// statement PostgreSQL runs on every checkout, several per request). The application leaves no
    /// session state behind: no session-level SET, temporary table, LISTEN or advisory lock.</item>
    /// </list>
    /// </summary>
    internal static string Tuned(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(k => k.Replace(" ", "", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var tuned = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!given.Contains("MaxAutoPrepare"))
            (tuned.MaxAutoPrepare, tuned.AutoPrepareMinUsages) = (64, 2);
        if (!given.Contains("NoResetOnClose"))
            tuned.NoResetOnClose = true;
        return tuned.ConnectionString;
    }
}
