using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CabinetOps.Server.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class OrderListIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_orders_device_id",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "ix_orders_order_time",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "ix_orders_store_id_order_time",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "ix_orders_user_id",
                table: "orders");

            migrationBuilder.CreateIndex(
                name: "ix_orders_device_id_order_time_id",
                table: "orders",
                columns: new[] { "device_id", "order_time", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_orders_order_time_id",
                table: "orders",
                columns: new[] { "order_time", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_orders_order_time_id1",
                table: "orders",
                columns: new[] { "order_time", "id" },
                filter: "hold IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_orders_order_type_order_time_id",
                table: "orders",
                columns: new[] { "order_type", "order_time", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_orders_payment_status_order_time_id",
                table: "orders",
                columns: new[] { "payment_status", "order_time", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_orders_store_id_order_time_id",
                table: "orders",
                columns: new[] { "store_id", "order_time", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_orders_user_id_order_time_id",
                table: "orders",
                columns: new[] { "user_id", "order_time", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_orders_device_id_order_time_id",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "ix_orders_order_time_id",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "ix_orders_order_time_id1",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "ix_orders_order_type_order_time_id",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "ix_orders_payment_status_order_time_id",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "ix_orders_store_id_order_time_id",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "ix_orders_user_id_order_time_id",
                table: "orders");

            migrationBuilder.CreateIndex(
                name: "ix_orders_device_id",
                table: "orders",
                column: "device_id");

            migrationBuilder.CreateIndex(
                name: "ix_orders_order_time",
                table: "orders",
                column: "order_time");

            migrationBuilder.CreateIndex(
                name: "ix_orders_store_id_order_time",
                table: "orders",
                columns: new[] { "store_id", "order_time" });

            migrationBuilder.CreateIndex(
                name: "ix_orders_user_id",
                table: "orders",
                column: "user_id");
        }
    }
}
