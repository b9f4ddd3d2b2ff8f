using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace CabinetOps.Server.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_log",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    occurred_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    actor_id = table.Column<int>(type: "INTEGER", nullable: true),
                    actor_name = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    action = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    target_type = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    target_id = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    store_id = table.Column<int>(type: "INTEGER", nullable: true),
                    summary = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    before_json = table.Column<string>(type: "TEXT", nullable: true),
                    after_json = table.Column<string>(type: "TEXT", nullable: true),
                    remote_ip = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_log", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "data_protection_keys",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    friendly_name = table.Column<string>(type: "TEXT", nullable: true),
                    xml = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_data_protection_keys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "inbound_messages",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    source = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    message_id = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    message_type = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    received_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    body = table.Column<string>(type: "TEXT", nullable: false),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
                    processed_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    error = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_inbound_messages", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "integration_tokens",
                columns: table => new
                {
                    name = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    protected_value = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    expires_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_integration_tokens", x => x.name);
                });

            migrationBuilder.CreateTable(
                name: "roles",
                columns: table => new
                {
                    code = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    all_stores = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_roles", x => x.code);
                });

            migrationBuilder.CreateTable(
                name: "settings",
                columns: table => new
                {
                    key = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    value = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_by = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_settings", x => x.key);
                });

            migrationBuilder.CreateTable(
                name: "stores",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    store_code = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    store_name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    store_type = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    store_property = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    address = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    phone = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    is_enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stores", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "used_nonces",
                columns: table => new
                {
                    source = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    nonce = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    expires_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_used_nonces", x => new { x.source, x.nonce });
                });

            migrationBuilder.CreateTable(
                name: "users",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    open_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    union_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    username = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    phone = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    phone_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    phone_country_code = table.Column<string>(type: "TEXT", maxLength: 8, nullable: true),
                    ticket_balance = table.Column<long>(type: "INTEGER", nullable: false),
                    is_blocked = table.Column<bool>(type: "INTEGER", nullable: false),
                    create_time = table.Column<DateTime>(type: "TEXT", nullable: false),
                    last_login_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_users", x => x.id);
                    table.CheckConstraint("ck_users_ticket_balance", "ticket_balance >= 0");
                });

            migrationBuilder.CreateTable(
                name: "admin_users",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    user_name = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    display_name = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    password_hash = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    role_code = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    is_disabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    failed_sign_in_count = table.Column<int>(type: "INTEGER", nullable: false),
                    lockout_ends_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    security_stamp = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    last_sign_in_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_admin_users", x => x.id);
                    table.ForeignKey(
                        name: "fk_admin_users_roles_role_code",
                        column: x => x.role_code,
                        principalTable: "roles",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "role_permissions",
                columns: table => new
                {
                    role_code = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    permission = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_role_permissions", x => new { x.role_code, x.permission });
                    table.ForeignKey(
                        name: "fk_role_permissions_roles_role_code",
                        column: x => x.role_code,
                        principalTable: "roles",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "devices",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    device_code = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    store_id = table.Column<int>(type: "INTEGER", nullable: true),
                    online_status = table.Column<bool>(type: "INTEGER", nullable: false),
                    qr_code = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    is_enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    last_seen_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_devices", x => x.id);
                    table.ForeignKey(
                        name: "fk_devices_stores_store_id",
                        column: x => x.store_id,
                        principalTable: "stores",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "customer_sessions",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    customer_id = table.Column<int>(type: "INTEGER", nullable: false),
                    token_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    expires_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_customer_sessions", x => x.id);
                    table.ForeignKey(
                        name: "fk_customer_sessions_users_customer_id",
                        column: x => x.customer_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "admin_user_stores",
                columns: table => new
                {
                    admin_user_id = table.Column<int>(type: "INTEGER", nullable: false),
                    store_id = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_admin_user_stores", x => new { x.admin_user_id, x.store_id });
                    table.ForeignKey(
                        name: "fk_admin_user_stores_admin_users_admin_user_id",
                        column: x => x.admin_user_id,
                        principalTable: "admin_users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_admin_user_stores_stores_store_id",
                        column: x => x.store_id,
                        principalTable: "stores",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "orders",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    order_no = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    device_id = table.Column<int>(type: "INTEGER", nullable: false),
                    user_id = table.Column<int>(type: "INTEGER", nullable: true),
                    user_phone = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    total_amount = table.Column<long>(type: "INTEGER", nullable: false),
                    payment_type = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    wx_payment_amount = table.Column<long>(type: "INTEGER", nullable: false),
                    ticket_payment_amount = table.Column<long>(type: "INTEGER", nullable: false),
                    store_id = table.Column<int>(type: "INTEGER", nullable: false),
                    order_time = table.Column<DateTime>(type: "TEXT", nullable: false),
                    payment_time = table.Column<DateTime>(type: "TEXT", nullable: true),
                    payment_status = table.Column<int>(type: "INTEGER", nullable: false),
                    wheat_order_no = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    order_type = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    related_order_no = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_orders", x => x.id);
                    table.ForeignKey(
                        name: "fk_orders_devices_device_id",
                        column: x => x.device_id,
                        principalTable: "devices",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_orders_stores_store_id",
                        column: x => x.store_id,
                        principalTable: "stores",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_orders_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.InsertData(
                table: "roles",
                columns: new[] { "code", "all_stores", "name" },
                values: new object[,]
                {
                    { "admin", true, "管理员" },
                    { "finance", true, "财务" },
                    { "franchisee", false, "加盟商" },
                    { "operator", true, "运营" }
                });

            migrationBuilder.InsertData(
                table: "role_permissions",
                columns: new[] { "permission", "role_code" },
                values: new object[,]
                {
                    { "audit.view", "admin" },
                    { "dashboard.view", "admin" },
                    { "manual-work.manage", "admin" },
                    { "manual-work.view", "admin" },
                    { "staff.manage", "admin" },
                    { "staff.view", "admin" },
                    { "dashboard.view", "finance" },
                    { "dashboard.view", "franchisee" },
                    { "dashboard.view", "operator" },
                    { "manual-work.manage", "operator" },
                    { "manual-work.view", "operator" }
                });

            migrationBuilder.CreateIndex(
                name: "ix_admin_user_stores_store_id",
                table: "admin_user_stores",
                column: "store_id");

            migrationBuilder.CreateIndex(
                name: "ix_admin_users_role_code",
                table: "admin_users",
                column: "role_code");

            migrationBuilder.CreateIndex(
                name: "ix_admin_users_user_name",
                table: "admin_users",
                column: "user_name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_audit_log_action_occurred_at",
                table: "audit_log",
                columns: new[] { "action", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_log_actor_id_occurred_at",
                table: "audit_log",
                columns: new[] { "actor_id", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_log_occurred_at",
                table: "audit_log",
                column: "occurred_at");

            migrationBuilder.CreateIndex(
                name: "ix_customer_sessions_customer_id",
                table: "customer_sessions",
                column: "customer_id");

            migrationBuilder.CreateIndex(
                name: "ix_customer_sessions_expires_at",
                table: "customer_sessions",
                column: "expires_at");

            migrationBuilder.CreateIndex(
                name: "ix_customer_sessions_token_hash",
                table: "customer_sessions",
                column: "token_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_devices_device_code",
                table: "devices",
                column: "device_code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_devices_store_id",
                table: "devices",
                column: "store_id");

            migrationBuilder.CreateIndex(
                name: "ix_inbound_messages_received_at",
                table: "inbound_messages",
                column: "received_at");

            migrationBuilder.CreateIndex(
                name: "ix_inbound_messages_source_message_id",
                table: "inbound_messages",
                columns: new[] { "source", "message_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_orders_device_id",
                table: "orders",
                column: "device_id");

            migrationBuilder.CreateIndex(
                name: "ix_orders_order_no",
                table: "orders",
                column: "order_no",
                unique: true);

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

            migrationBuilder.CreateIndex(
                name: "ix_orders_wheat_order_no",
                table: "orders",
                column: "wheat_order_no",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_stores_store_code",
                table: "stores",
                column: "store_code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_used_nonces_expires_at",
                table: "used_nonces",
                column: "expires_at");

            migrationBuilder.CreateIndex(
                name: "ix_users_open_id",
                table: "users",
                column: "open_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_users_phone_hash",
                table: "users",
                column: "phone_hash");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "admin_user_stores");

            migrationBuilder.DropTable(
                name: "audit_log");

            migrationBuilder.DropTable(
                name: "customer_sessions");

            migrationBuilder.DropTable(
                name: "data_protection_keys");

            migrationBuilder.DropTable(
                name: "inbound_messages");

            migrationBuilder.DropTable(
                name: "integration_tokens");

            migrationBuilder.DropTable(
                name: "orders");

            migrationBuilder.DropTable(
                name: "role_permissions");

            migrationBuilder.DropTable(
                name: "settings");

            migrationBuilder.DropTable(
                name: "used_nonces");

            migrationBuilder.DropTable(
                name: "admin_users");

            migrationBuilder.DropTable(
                name: "devices");

            migrationBuilder.DropTable(
                name: "users");

            migrationBuilder.DropTable(
                name: "roles");

            migrationBuilder.DropTable(
                name: "stores");
        }
    }
}
