using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace CabinetOps.Server.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ExceptionOrders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "exception_orders",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    case_no = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    source = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    all_reasons = table.Column<string>(type: "TEXT", maxLength: 400, nullable: true),
                    reason_detail = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    wheat_order_no = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    door_session_id = table.Column<long>(type: "INTEGER", nullable: true),
                    order_id = table.Column<long>(type: "INTEGER", nullable: true),
                    device_id = table.Column<int>(type: "INTEGER", nullable: false),
                    store_id = table.Column<int>(type: "INTEGER", nullable: false),
                    customer_id = table.Column<int>(type: "INTEGER", nullable: true),
                    suspected_items = table.Column<string>(type: "TEXT", nullable: true),
                    suspected_total = table.Column<long>(type: "INTEGER", nullable: false),
                    evidence = table.Column<string>(type: "TEXT", nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    resolution = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    resolution_note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    handler_id = table.Column<int>(type: "INTEGER", nullable: true),
                    handler_name = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    taken_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    resolved_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    detected_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_exception_orders", x => x.id);
                });

            migrationBuilder.InsertData(
                table: "role_permissions",
                columns: new[] { "permission", "role_code" },
                values: new object[,]
                {
                    { "exceptions.handle", "admin" },
                    { "exceptions.view", "admin" },
                    { "exceptions.view", "finance" },
                    { "exceptions.handle", "franchisee" },
                    { "exceptions.view", "franchisee" },
                    { "exceptions.handle", "operator" },
                    { "exceptions.view", "operator" }
                });

            migrationBuilder.CreateIndex(
                name: "ix_exception_orders_case_no",
                table: "exception_orders",
                column: "case_no",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_exception_orders_order_id",
                table: "exception_orders",
                column: "order_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_exception_orders_source_wheat_order_no",
                table: "exception_orders",
                columns: new[] { "source", "wheat_order_no" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_exception_orders_status_detected_at",
                table: "exception_orders",
                columns: new[] { "status", "detected_at" });

            migrationBuilder.CreateIndex(
                name: "ix_exception_orders_store_id_status",
                table: "exception_orders",
                columns: new[] { "store_id", "status" });
            // Orders held before the queue existed enter it as the interceptions they are.
            migrationBuilder.Sql("""
                INSERT INTO exception_orders (case_no, source, reason, all_reasons, wheat_order_no, door_session_id, order_id, device_id, store_id, customer_id,
                    suspected_total, status, detected_at, created_at, updated_at)
                SELECT 'YCM' || o.id, 'Interception', r.code, r.code, o.wheat_order_no, o.door_session_id, o.id, o.device_id, o.store_id, o.user_id,
                    o.total_amount, 'Pending', o.created_at, o.created_at, o.created_at
                FROM orders o
                JOIN (SELECT 'AmountOverLimit' AS hold, 'AMOUNT_OVER_LIMIT' AS code
                      UNION ALL SELECT 'ItemCountOverLimit', 'ITEM_COUNT_OVER_LIMIT'
                      UNION ALL SELECT 'UnknownProduct', 'UNKNOWN_PRODUCT'
                      UNION ALL SELECT 'VendorDataInvalid', 'VENDOR_DATA_INVALID'
                      UNION ALL SELECT 'NoSession', 'NO_SESSION') r ON r.hold = o.hold
                WHERE o.payment_status <> 4
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "exception_orders");

            migrationBuilder.DeleteData(
                table: "role_permissions",
                keyColumns: new[] { "permission", "role_code" },
                keyValues: new object[] { "exceptions.handle", "admin" });

            migrationBuilder.DeleteData(
                table: "role_permissions",
                keyColumns: new[] { "permission", "role_code" },
                keyValues: new object[] { "exceptions.view", "admin" });

            migrationBuilder.DeleteData(
                table: "role_permissions",
                keyColumns: new[] { "permission", "role_code" },
                keyValues: new object[] { "exceptions.view", "finance" });

            migrationBuilder.DeleteData(
                table: "role_permissions",
                keyColumns: new[] { "permission", "role_code" },
                keyValues: new object[] { "exceptions.handle", "franchisee" });

            migrationBuilder.DeleteData(
                table: "role_permissions",
                keyColumns: new[] { "permission", "role_code" },
                keyValues: new object[] { "exceptions.view", "franchisee" });

            migrationBuilder.DeleteData(
                table: "role_permissions",
                keyColumns: new[] { "permission", "role_code" },
                keyValues: new object[] { "exceptions.handle", "operator" });

            migrationBuilder.DeleteData(
                table: "role_permissions",
                keyColumns: new[] { "permission", "role_code" },
                keyValues: new object[] { "exceptions.view", "operator" });
        }
    }
}
