using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CabinetOps.Server.Infrastructure.Persistence;

// Used only by `dotnet ef migrations add`, one per provider (docs/runbooks/migrations.md).

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteCabinetOpsDbContext>
{
    public SqliteCabinetOpsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCabinetOpsDbContext>().UseSqlite("Data Source=design.db").UseSnakeCaseNamingConvention().Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresCabinetOpsDbContext>
{
    public PostgresCabinetOpsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresCabinetOpsDbContext>().UseNpgsql("Host=localhost;Database=design").UseSnakeCaseNamingConvention().Options);
}
