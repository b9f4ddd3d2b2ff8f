using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace CabinetOps.Server.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OrderCorrections : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "order_corrections",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    order_id = table.Column<long>(type: "INTEGER", nullable: false),
                    seq = table.Column<int>(type: "INTEGER", nullable: false),
                    correction_no = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    request_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    before_total = table.Column<long>(type: "INTEGER", nullable: false),
                    after_total = table.Column<long>(type: "INTEGER", nullable: false),
                    before_lines = table.Column<string>(type: "TEXT", nullable: false),
                    after_lines = table.Column<string>(type: "TEXT", nullable: false),
                    refund_amount = table.Column<long>(type: "INTEGER", nullable: false),
                    supplementary_amount = table.Column<long>(type: "INTEGER", nullable: false),
                    supplementary_order_no = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    requested_by_id = table.Column<int>(type: "INTEGER", nullable: true),
                    requested_by_name = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    requested_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    reviewed_by_id = table.Column<int>(type: "INTEGER", nullable: true),
                    reviewed_by_name = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    reviewed_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    review_note = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    applied_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_order_corrections", x => x.id);
                    table.ForeignKey(
                        name: "fk_order_corrections_orders_order_id",
                        column: x => x.order_id,
                        principalTable: "orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.InsertData(
                table: "role_permissions",
                columns: new[] { "permission", "role_code" },
                values: new object[,]
                {
                    { "orders.approve-correction", "admin" },
                    { "orders.correct", "admin" },
                    { "orders.approve-correction", "finance" },
                    { "orders.correct", "franchisee" },
                    { "orders.correct", "operator" }
                });

            migrationBuilder.CreateIndex(
                name: "ix_order_corrections_correction_no",
                table: "order_corrections",
                column: "correction_no",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_order_corrections_order_id_seq",
                table: "order_corrections",
                columns: new[] { "order_id", "seq" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_order_corrections_request_id",
                table: "order_corrections",
                column: "request_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_order_corrections_status_requested_at",
                table: "order_corrections",
                columns: new[] { "status", "requested_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "order_corrections");

            migrationBuilder.DeleteData(
                table: "role_permissions",
                keyColumns: new[] { "permission", "role_code" },
                keyValues: new object[] { "orders.approve-correction", "admin" });

            migrationBuilder.DeleteData(
                table: "role_permissions",
                keyColumns: new[] { "permission", "role_code" },
                keyValues: new object[] { "orders.correct", "admin" });

            migrationBuilder.DeleteData(
                table: "role_permissions",
                keyColumns: new[] { "permission", "role_code" },
                keyValues: new object[] { "orders.approve-correction", "finance" });

            migrationBuilder.DeleteData(
                table: "role_permissions",
                keyColumns: new[] { "permission", "role_code" },
                keyValues: new object[] { "orders.correct", "franchisee" });

            migrationBuilder.DeleteData(
                table: "role_permissions",
                keyColumns: new[] { "permission", "role_code" },
                keyValues: new object[] { "orders.correct", "operator" });
        }
    }
}
