using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CabinetOps.Server.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class JsapiPaymentsAndRefunds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "expires_at",
                table: "order_payments",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "out_trade_no",
                table: "order_payments",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "prepay_id",
                table: "order_payments",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "order_refunds",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    order_id = table.Column<long>(type: "bigint", nullable: false),
                    payment_id = table.Column<long>(type: "bigint", nullable: false),
                    out_refund_no = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    amount = table.Column<decimal>(type: "numeric(10,2)", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    reason = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    refund_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    failure_reason = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    completed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_order_refunds", x => x.id);
                    table.ForeignKey(
                        name: "fk_order_refunds_order_payments_payment_id",
                        column: x => x.payment_id,
                        principalTable: "order_payments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_order_refunds_orders_order_id",
                        column: x => x.order_id,
                        principalTable: "orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_order_payments_out_trade_no",
                table: "order_payments",
                column: "out_trade_no",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_order_refunds_order_id",
                table: "order_refunds",
                column: "order_id");

            migrationBuilder.CreateIndex(
                name: "ix_order_refunds_out_refund_no",
                table: "order_refunds",
                column: "out_refund_no",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_order_refunds_payment_id",
                table: "order_refunds",
                column: "payment_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "order_refunds");

            migrationBuilder.DropIndex(
                name: "ix_order_payments_out_trade_no",
                table: "order_payments");

            migrationBuilder.DropColumn(
                name: "expires_at",
                table: "order_payments");

            migrationBuilder.DropColumn(
                name: "out_trade_no",
                table: "order_payments");

            migrationBuilder.DropColumn(
                name: "prepay_id",
                table: "order_payments");
        }
    }
}
