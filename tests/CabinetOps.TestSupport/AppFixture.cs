using Xunit;
using CabinetOps.Server.Infrastructure.Persistence;

namespace CabinetOps.TestSupport;

/// <summary>An xunit class fixture: one started host per test class and provider.</summary>
public abstract class AppFixture(DatabaseProvider provider) : IAsyncLifetime
{
    private TestDatabase? _database;

    public TestHost Host { get; private set; } = null!;

    public DatabaseProvider Provider => provider;

    /// <summary>Settings that differ from the test defaults, for a fixture of its own.</summary>
    protected virtual IDictionary<string, string?>? Settings => null;

    /// <summary>Service replacements for a fixture of its own (e.g. a fixed clock).</summary>
    protected virtual void ConfigureServices(Microsoft.Extensions.DependencyInjection.IServiceCollection services)
    {
    }

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(provider);
        Host = new TestHost(_database, ConfigureServices, Settings).Start();
    }

    public async Task DisposeAsync()
    {
        if (Host is not null)
            await Host.DisposeAsync();
        if (_database is not null)
            await _database.DisposeAsync();
    }
}

public class SqliteApp() : AppFixture(DatabaseProvider.Sqlite);

public class PostgresApp() : AppFixture(DatabaseProvider.Postgres);

/// <summary>Hosts that also run the tests' own units of work, whose handler code is generated at run time.</summary>
public class SqliteAppWithTestWork() : AppFixture(DatabaseProvider.Sqlite)
{
    protected override IDictionary<string, string?>? Settings => TestHost.TestWorkSettings;
}

public class PostgresAppWithTestWork() : AppFixture(DatabaseProvider.Postgres)
{
    protected override IDictionary<string, string?>? Settings => TestHost.TestWorkSettings;
}
