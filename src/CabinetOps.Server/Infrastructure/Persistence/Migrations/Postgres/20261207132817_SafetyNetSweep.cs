using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CabinetOps.Server.Infrastructure.Persistence.Migrations.Postgres
{
    /// <summary>
    /// The safety net as a sweep (decision 0018): <c>check_due_at</c> is written with a session's insert
    /// and cleared by its first move past opening; a partial index keeps only the sessions still due.
    /// Sessions opened by a node of the previous release keep their scheduled message, which still runs.
    /// </summary>
    public partial class SafetyNetSweep : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "check_due_at",
                table: "door_sessions",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_door_sessions_check_due",
                table: "door_sessions",
                column: "check_due_at",
                filter: "check_due_at IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_door_sessions_check_due",
                table: "door_sessions");

            migrationBuilder.DropColumn(
                name: "check_due_at",
                table: "door_sessions");
        }
    }
}
