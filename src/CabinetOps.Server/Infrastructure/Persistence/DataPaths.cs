namespace CabinetOps.Server.Infrastructure.Persistence;

/// <summary>
/// The one folder (<c>DataPath</c>, default <c>./data</c>) where the embedded default writes every
/// file: the SQLite database, generated keys, exports.
/// </summary>
public sealed class DataPaths
{
    public DataPaths(IConfiguration configuration)
    {
        var configured = configuration["DataPath"];
        // Relative to the working directory, as a command-line user reads "./data".
        Root = Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? "data" : configured);
    }

    public string Root { get; }

    public string File(string name)
    {
        Directory.CreateDirectory(Root);
        return Path.Combine(Root, name);
    }
}
