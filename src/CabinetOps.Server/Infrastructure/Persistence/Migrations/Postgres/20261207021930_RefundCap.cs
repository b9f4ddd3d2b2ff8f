using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CabinetOps.Server.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RefundCap : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<decimal>(
                name: "refunded_amount",
                table: "order_payments",
                type: "numeric(10,2)",
                nullable: false,
                defaultValue: 0m);

            // Refunds stored before the cap (double collections) count against their payments.
            migrationBuilder.Sql("""
                UPDATE order_payments SET refunded_amount = (SELECT COALESCE(SUM(r.amount), 0) FROM order_refunds AS r
                    WHERE r.payment_id = order_payments.id AND r.status <> 'Failed')
                """);

            migrationBuilder.AddCheckConstraint(
                name: "ck_order_payments_refunded_amount",
                table: "order_payments",
                sql: "refunded_amount >= 0 AND refunded_amount <= amount");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_order_payments_refunded_amount",
                table: "order_payments");

            migrationBuilder.DropColumn(
                name: "refunded_amount",
                table: "order_payments");
        }
    }
}
