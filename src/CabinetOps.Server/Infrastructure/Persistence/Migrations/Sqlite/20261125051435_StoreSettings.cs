using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace CabinetOps.Server.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class StoreSettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "complaint_response_hours",
                table: "stores",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "item_count_limit",
                table: "stores",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "min_ticket_balance",
                table: "stores",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "order_amount_limit",
                table: "stores",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "pay_score_risk_ceiling",
                table: "stores",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "updated_at",
                table: "stores",
                type: "TEXT",
                nullable: true);

            migrationBuilder.InsertData(
                table: "role_permissions",
                columns: new[] { "permission", "role_code" },
                values: new object[,]
                {
                    { "stores.admin", "admin" },
                    { "stores.edit", "admin" },
                    { "stores.view", "admin" },
                    { "stores.view", "finance" },
                    { "stores.edit", "franchisee" },
                    { "stores.view", "franchisee" },
                    { "stores.admin", "operator" },
                    { "stores.edit", "operator" },
                    { "stores.view", "operator" }
                });

            migrationBuilder.CreateIndex(
                name: "ix_stores_store_type_store_property",
                table: "stores",
                columns: new[] { "store_type", "store_property" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_stores_store_type_store_property",
                table: "stores");

            migrationBuilder.DeleteData(
                table: "role_permissions",
                keyColumns: new[] { "permission", "role_code" },
                keyValues: new object[] { "stores.admin", "admin" });

            migrationBuilder.DeleteData(
                table: "role_permissions",
                keyColumns: new[] { "permission", "role_code" },
                keyValues: new object[] { "stores.edit", "admin" });

            migrationBuilder.DeleteData(
                table: "role_permissions",
                keyColumns: new[] { "permission", "role_code" },
                keyValues: new object[] { "stores.view", "admin" });

            migrationBuilder.DeleteData(
                table: "role_permissions",
                keyColumns: new[] { "permission", "role_code" },
                keyValues: new object[] { "stores.view", "finance" });

            migrationBuilder.DeleteData(
                table: "role_permissions",
                keyColumns: new[] { "permission", "role_code" },
                keyValues: new object[] { "stores.edit", "franchisee" });

            migrationBuilder.DeleteData(
                table: "role_permissions",
                keyColumns: new[] { "permission", "role_code" },
                keyValues: new object[] { "stores.view", "franchisee" });

            migrationBuilder.DeleteData(
                table: "role_permissions",
                keyColumns: new[] { "permission", "role_code" },
                keyValues: new object[] { "stores.admin", "operator" });

            migrationBuilder.DeleteData(
                table: "role_permissions",
                keyColumns: new[] { "permission", "role_code" },
                keyValues: new object[] { "stores.edit", "operator" });

            migrationBuilder.DeleteData(
                table: "role_permissions",
                keyColumns: new[] { "permission", "role_code" },
                keyValues: new object[] { "stores.view", "operator" });

            migrationBuilder.DropColumn(
                name: "complaint_response_hours",
                table: "stores");

            migrationBuilder.DropColumn(
                name: "item_count_limit",
                table: "stores");

            migrationBuilder.DropColumn(
                name: "min_ticket_balance",
                table: "stores");

            migrationBuilder.DropColumn(
                name: "order_amount_limit",
                table: "stores");

            migrationBuilder.DropColumn(
                name: "pay_score_risk_ceiling",
                table: "stores");

            migrationBuilder.DropColumn(
                name: "updated_at",
                table: "stores");
        }
    }
}
