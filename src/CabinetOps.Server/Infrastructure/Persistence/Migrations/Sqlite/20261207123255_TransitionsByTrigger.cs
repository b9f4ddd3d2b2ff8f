using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CabinetOps.Server.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <summary>
    /// Door session transitions written by the database (decision 0017): a session stored records
    /// created → created, a change of its status records from → to, each with the row's
    /// <c>status_cause</c> and time. A move is then one UPDATE, atomic with its record, in no
    /// transaction of its own. During a rolling deploy, a session moved by a node still on the
    /// previous release gets its move recorded twice (that node writes its own row too); the
    /// timeline shows the step twice, nothing else is affected.
    /// </summary>
    public partial class TransitionsByTrigger : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "status_cause",
                table: "door_sessions",
                type: "TEXT",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.Sql("""
                CREATE TRIGGER door_session_created AFTER INSERT ON door_sessions
                BEGIN
                    INSERT INTO door_session_transitions (session_id, "from", "to", at, cause)
                    VALUES (NEW.id, NEW.status, NEW.status, NEW.created_at, NEW.status_cause);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER door_session_moved AFTER UPDATE OF status ON door_sessions WHEN NEW.status IS NOT OLD.status
                BEGIN
                    INSERT INTO door_session_transitions (session_id, "from", "to", at, cause)
                    VALUES (NEW.id, OLD.status, NEW.status, NEW.updated_at, NEW.status_cause);
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER door_session_created;");
            migrationBuilder.Sql("DROP TRIGGER door_session_moved;");

            migrationBuilder.DropColumn(
                name: "status_cause",
                table: "door_sessions");
        }
    }
}
