using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CabinetOps.Server.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RateLimitCountersUnlogged : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Counters are written on every precheck and open: unlogged, their commits do not wait for a
            // WAL flush. A crash empties the table (every window starts again) and the reporting replica
            // never sees it; both are harmless for a rate limit. PostgreSQL only: SQLite has no such thing.
            migrationBuilder.Sql("ALTER TABLE rate_limit_counters SET UNLOGGED;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER TABLE rate_limit_counters SET LOGGED;");
        }
    }
}
