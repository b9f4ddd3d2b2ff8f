using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CabinetOps.Server.Infrastructure.Persistence.Migrations.Sqlite
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
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "pay_score_order_id",
                table: "door_sessions",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "pay_score_order_state",
                table: "door_sessions",
                type: "TEXT",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "pay_score_package",
                table: "door_sessions",
                type: "TEXT",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "pay_score_request",
                table: "door_sessions",
                type: "TEXT",
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
