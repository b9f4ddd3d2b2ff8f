using CabinetOps.Server.Features.Customers;
using CabinetOps.Server.Infrastructure.Persistence;
using Npgsql;

namespace CabinetOps.UnitTests.Infrastructure;

/// <summary>Decision 0016: the connection settings the server adds, and the node's memory of customer tokens.</summary>
public sealed class HotPathRules
{
    [Fact]
    public void PostgresConnectionsArePreparedAndNotResetUnlessTheStringSaysOtherwise()
    {
        var tuned = new NpgsqlConnectionStringBuilder(PersistenceSetup.Tuned("Host=db;Username=app;Password=p;Database=app;Maximum Pool Size=40"));
        Assert.Equal((64, 2, true, 40), (tuned.MaxAutoPrepare, tuned.AutoPrepareMinUsages, tuned.NoResetOnClose, tuned.MaxPoolSize));

        var chosen = new NpgsqlConnectionStringBuilder(PersistenceSetup.Tuned("Host=db;Username=app;Max Auto Prepare=0;no reset on close=false"));
        Assert.Equal((0, false), (chosen.MaxAutoPrepare, chosen.NoResetOnClose));
    }

    [Fact]
    public void ARememberedTokenNamesItsCustomerUntilTheTokenExpires()
    {
        using var cache = new CustomerTokenCache();
        var now = new DateTime(2026, 12, 7, 8, 0, 0, DateTimeKind.Utc);
        cache.Remember("hash-a", new TokenOwner(42, now.AddHours(2)), now);
        Assert.Equal(42, cache.Find("hash-a", now.AddSeconds(1)));
        Assert.Null(cache.Find("hash-b", now));
        // However long the node would keep it, an expired token is never accepted.
        Assert.Null(cache.Find("hash-a", now.AddHours(2)));
    }

    [Fact]
    public void ATokenAlreadyExpiredIsNotRemembered()
    {
        using var cache = new CustomerTokenCache();
        var now = new DateTime(2026, 12, 7, 8, 0, 0, DateTimeKind.Utc);
        cache.Remember("hash-a", new TokenOwner(42, now.AddSeconds(-1)), now);
        Assert.Null(cache.Find("hash-a", now.AddSeconds(-2)));
    }
}
