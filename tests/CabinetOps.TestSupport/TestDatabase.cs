using CabinetOps.Server.Infrastructure.Persistence;
using Npgsql;

namespace CabinetOps.TestSupport;

/// <summary>
/// A database of its own for one test host. PostgreSQL comes from <c>CABINETOPS_TEST_POSTGRES</c>,
/// set by the test command after it starts a server; without it the PostgreSQL tests fail loudly,
/// they never skip (STYLE §4).
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(DatabaseProvider provider, string dataPath, string connectionString, string? postgresName)
    {
        Provider = provider;
        DataPath = dataPath;
        ConnectionString = connectionString;
        _postgresName = postgresName;
    }

    private readonly string? _postgresName;

    public DatabaseProvider Provider { get; }
    public string DataPath { get; }
    public string ConnectionString { get; }

    public static Task<TestDatabase> CreateAsync(DatabaseProvider provider) =>
        provider == DatabaseProvider.Sqlite ? Task.FromResult(Sqlite()) : PostgresAsync();

    public static TestDatabase Sqlite()
    {
        var dir = Directory.CreateTempSubdirectory("cabinetops-test-").FullName;
        return new TestDatabase(DatabaseProvider.Sqlite, dir, $"Data Source={Path.Combine(dir, "cabinetops.db")}", null);
    }

    public static async Task<TestDatabase> PostgresAsync()
    {
        var admin = Environment.GetEnvironmentVariable("CABINETOPS_TEST_POSTGRES")
            ?? throw new InvalidOperationException("CABINETOPS_TEST_POSTGRES is not set: run the tests with ./test.sh, which starts PostgreSQL.");
        var name = "cabinetops_" + Guid.NewGuid().ToString("N")[..12];
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
            await cmd.ExecuteNonQueryAsync();
        }

        var cs = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ToString();
        var dir = Directory.CreateTempSubdirectory("cabinetops-test-").FullName;
        return new TestDatabase(DatabaseProvider.Postgres, dir, cs, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            var admin = Environment.GetEnvironmentVariable("CABINETOPS_TEST_POSTGRES")!;
            // A drop can collide with another class creating or dropping its database at the same
            // moment (seen once as a class cleanup failure); it is tried again before giving up.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await using var conn = new NpgsqlConnection(admin);
                    await conn.OpenAsync();
                    await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_postgresName}\" WITH (FORCE)", conn);
                    await cmd.ExecuteNonQueryAsync();
                    break;
                }
                catch (PostgresException) when (attempt < 3)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
                }
            }
        }

        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a closing connection; the temp folder is cleaned by the OS.
        }
    }
}

/// <summary>Waits for a condition with a deadline, re-checking it; never a fixed sleep.</summary>
public static class Eventually
{
    public static async Task<T> WaitAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var value = await probe();
            if (done(value))
                return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"timed out waiting for {what}; last value: {value}");
            await Task.Delay(25);
        }
    }

    public static Task WaitAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        WaitAsync(() => Task.FromResult(condition()), ok => ok, what, timeout);
}
