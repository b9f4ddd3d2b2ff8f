using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CabinetOps.Server.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PayScoreOrders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "pay_score_enabled",
                table: "stores",
                type: "boolean",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "pay_score_order_id",
                table: "door_sessions",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "pay_score_order_state",
                table: "door_sessions",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "pay_score_package",
                table: "door_sessions",
                type: "character varying(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "pay_score_request",
                table: "door_sessions",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "pay_score_enabled",
                table: "stores");

            migrationBuilder.DropColumn(
                name: "pay_score_order_id",
                table: "door_sessions");

            migrationBuilder.DropColumn(
                name: "pay_score_order_state",
                table: "door_sessions");

            migrationBuilder.DropColumn(
                name: "pay_score_package",
                table: "door_sessions");

            migrationBuilder.DropColumn(
                name: "pay_score_request",
                table: "door_sessions");
        }
    }
}
