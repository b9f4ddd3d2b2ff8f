using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CabinetOps.Server.Infrastructure.Persistence.Migrations.Postgres
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
                type: "character varying(200)",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.Sql("""
                CREATE FUNCTION record_door_session_transition() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        INSERT INTO door_session_transitions (session_id, "from", "to", at, cause)
                        VALUES (NEW.id, NEW.status, NEW.status, NEW.created_at, NEW.status_cause);
                    ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
                        INSERT INTO door_session_transitions (session_id, "from", "to", at, cause)
                        VALUES (NEW.id, OLD.status, NEW.status, NEW.updated_at, NEW.status_cause);
                    END IF;
                    RETURN NULL;
                END
                $$;
                CREATE TRIGGER door_session_transition AFTER INSERT OR UPDATE OF status ON door_sessions
                    FOR EACH ROW EXECUTE FUNCTION record_door_session_transition();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER door_session_transition ON door_sessions;
                DROP FUNCTION record_door_session_transition();
                """);

            migrationBuilder.DropColumn(
                name: "status_cause",
                table: "door_sessions");
        }
    }
}
