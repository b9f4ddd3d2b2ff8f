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
            services.AddDbContext<CabinetOpsDbContext, SqliteCabinetOpsDbContext>(o => o
                .UseSqlite(db.ConnectionString)
                .UseSnakeCaseNamingConvention());
        }
        else
        {
            services.AddDbContext<CabinetOpsDbContext, PostgresCabinetOpsDbContext>(o => o
                .UseNpgsql(db.ConnectionString)
                .UseSnakeCaseNamingConvention());
        }

        services.AddScoped<DatabaseMigrator>();
        return services;
    }
}
