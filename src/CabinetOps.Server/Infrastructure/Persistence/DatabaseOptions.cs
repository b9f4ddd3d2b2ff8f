using System.ComponentModel.DataAnnotations;

namespace CabinetOps.Server.Infrastructure.Persistence;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Section <c>Database</c>; the connection string is <c>ConnectionStrings:CabinetOps</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// Apply migrations when the server starts. True on the embedded default (one process); in
    /// production it is false and <c>-- migrate</c> runs once per deployment, not on every node.
    /// </summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>Resolved connection string (defaults to <c>{DataPath}/cabinetops.db</c> on SQLite).</summary>
    [Required]
    public string ConnectionString { get; set; } = "";
}
