using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace CabinetOps.Server.Infrastructure.Persistence.Migrations.Postgres
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
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    order_id = table.Column<long>(type: "bigint", nullable: false),
                    seq = table.Column<int>(type: "integer", nullable: false),
                    correction_no = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    reason = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    before_total = table.Column<decimal>(type: "numeric(10,2)", nullable: false),
                    after_total = table.Column<decimal>(type: "numeric(10,2)", nullable: false),
                    before_lines = table.Column<string>(type: "text", nullable: false),
                    after_lines = table.Column<string>(type: "text", nullable: false),
                    refund_amount = table.Column<decimal>(type: "numeric(10,2)", nullable: false),
                    supplementary_amount = table.Column<decimal>(type: "numeric(10,2)", nullable: false),
                    supplementary_order_no = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    requested_by_id = table.Column<int>(type: "integer", nullable: true),
                    requested_by_name = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    requested_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    reviewed_by_id = table.Column<int>(type: "integer", nullable: true),
                    reviewed_by_name = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    reviewed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    review_note = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    applied_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
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
