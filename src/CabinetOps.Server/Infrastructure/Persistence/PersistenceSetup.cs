using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CabinetOps.Server.Infrastructure.Persistence;

public static class PersistenceSetup
{
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
            var b = new SqliteConnectionStringBuilder(cs) { DefaultTimeout = 30, Pooling = true };
            cs = b.ToString();
        }

        options.ConnectionString = cs;
        return options;
    }

    public static IServiceCollection AddPersistence(this IServiceCollection services, DatabaseOptions db)
    {
        services.AddSingleton(db);
        if (db.Provider == DatabaseProvider.Sqlite)
        {
            services.AddDbContextPool<CabinetOpsDbContext, SqliteCabinetOpsDbContext>(o => o
                .UseSqlite(db.ConnectionString)
                .UseSnakeCaseNamingConvention());
        }
        else
        {
            services.AddDbContextPool<CabinetOpsDbContext, PostgresCabinetOpsDbContext>(o => o
                .UseNpgsql(WithAutoPrepare(db.ConnectionString))
                .UseSnakeCaseNamingConvention());
        }

        services.AddScoped<DatabaseMigrator>();
        return services;
    }

    /// <summary>
    /// The application's statements are prepared once per connection and their plans reused
    /// (decision 0016): parsing and planning the precheck's one query cost PostgreSQL more than
    /// running it. A connection string that sets <c>Max Auto Prepare</c> itself is left alone.
    /// Wolverine's own connections keep the string as given.
    /// </summary>
    internal static string WithAutoPrepare(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (given.Keys.Cast<string>().Any(k => k.Replace(" ", "", StringComparison.Ordinal).Equals("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase)))
            return connectionString;
        return new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 64, AutoPrepareMinUsages = 2 }.ConnectionString;
    }
}
