using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace CabinetOps.Server.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TicketLedger : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ticket_ledger",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    customer_id = table.Column<int>(type: "integer", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    amount = table.Column<long>(type: "bigint", nullable: false),
                    balance_after = table.Column<long>(type: "bigint", nullable: false),
                    reason = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    operator_id = table.Column<int>(type: "integer", nullable: true),
                    operator_name = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    related_order_no = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ticket_ledger", x => x.id);
                    table.CheckConstraint("ck_ticket_ledger_balance_after", "balance_after >= 0");
                    table.ForeignKey(
                        name: "fk_ticket_ledger_users_customer_id",
                        column: x => x.customer_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.InsertData(
                table: "role_permissions",
                columns: new[] { "permission", "role_code" },
                values: new object[,]
                {
                    { "customers.block", "admin" },
                    { "customers.view", "admin" },
                    { "tickets.adjust", "admin" },
                    { "customers.view", "finance" },
                    { "customers.block", "operator" },
                    { "customers.view", "operator" },
                    { "tickets.adjust", "operator" }
                });

            migrationBuilder.CreateIndex(
                name: "ix_ticket_ledger_customer_id_id",
                table: "ticket_ledger",
                columns: new[] { "customer_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_ticket_ledger_related_order_no",
                table: "ticket_ledger",
                column: "related_order_no");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ticket_ledger");

            migrationBuilder.DeleteData(
                table: "role_permissions",
                keyColumns: new[] { "permission", "role_code" },
                keyValues: new object[] { "customers.block", "admin" });

            migrationBuilder.DeleteData(
                table: "role_permissions",
                keyColumns: new[] { "permission", "role_code" },
                keyValues: new object[] { "customers.view", "admin" });

            migrationBuilder.DeleteData(
                table: "role_permissions",
                keyColumns: new[] { "permission", "role_code" },
                keyValues: new object[] { "tickets.adjust", "admin" });

            migrationBuilder.DeleteData(
                table: "role_permissions",
                keyColumns: new[] { "permission", "role_code" },
                keyValues: new object[] { "customers.view", "finance" });

            migrationBuilder.DeleteData(
                table: "role_permissions",
                keyColumns: new[] { "permission", "role_code" },
                keyValues: new object[] { "customers.block", "operator" });

            migrationBuilder.DeleteData(
                table: "role_permissions",
                keyColumns: new[] { "permission", "role_code" },
                keyValues: new object[] { "customers.view", "operator" });

            migrationBuilder.DeleteData(
                table: "role_permissions",
                keyColumns: new[] { "permission", "role_code" },
                keyValues: new object[] { "tickets.adjust", "operator" });
        }
    }
}
