using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CabinetOps.IntegrationTests.Infrastructure;

/// <summary>
/// The embedded SQLite file's writers queue on the write gate without holding a thread (decision 0023):
/// a transaction that must wait comes back at once as a pending task, and every way a writer can end
/// lets the next one in. SQLite only: PostgreSQL has row locks and no such gate.
/// </summary>
public sealed class SqliteWriteGateTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(10);

    private AsyncServiceScope NewScope(out CabinetOpsDbContext db)
    {
        var scope = app.Host.Services.CreateAsyncScope();
        db = scope.ServiceProvider.GetRequiredService<CabinetOpsDbContext>();
        return scope;
    }

    [Fact]
    public async Task AWriterWaitingForTheLockHoldsNoThreadAndGoesOnWhenTheHolderCommits()
    {
        await using var first = NewScope(out var a);
        await using var second = NewScope(out var b);
        await using var holding = await a.Database.BeginTransactionAsync();

        // Without the gate this call would sleep its thread until SQLite's lock came free (or 30 s passed).
        var waiting = b.Database.BeginTransactionAsync();
        Assert.False(waiting.IsCompleted);

        await a.Database.ExecuteSqlRawAsync("UPDATE stores SET updated_at = updated_at WHERE id = 0");
        await holding.CommitAsync();
        await using var next = await waiting.WaitAsync(Soon);
        await b.Database.ExecuteSqlRawAsync("UPDATE stores SET updated_at = updated_at WHERE id = 0");
        await next.CommitAsync();
    }

    [Fact]
    public async Task AWriterThatRollsBackOrIsDisposedOrLosesItsScopeLetsTheNextIn()
    {
        await using var other = NewScope(out var b);

        await using (NewScope(out var a))
        {
            var rolledBack = await a.Database.BeginTransactionAsync();
            await rolledBack.RollbackAsync();
            await (await b.Database.BeginTransactionAsync().WaitAsync(Soon)).CommitAsync();

            // Disposed with neither commit nor rollback, as an exception leaving an `await using` does.
            await (await a.Database.BeginTransactionAsync()).DisposeAsync();
            await (await b.Database.BeginTransactionAsync().WaitAsync(Soon)).CommitAsync();

            // Left open when the scope ends, as a crashed handler leaves it.
            await a.Database.BeginTransactionAsync();
        }

        await (await b.Database.BeginTransactionAsync().WaitAsync(Soon)).CommitAsync();
    }

    [Fact]
    public async Task SaveChangesOwnTransactionTakesAndReturnsTheGate()
    {
        await using var first = NewScope(out var a);
        await using var second = NewScope(out var b);
        var store = await a.Stores.OrderBy(s => s.Id).FirstAsync();
        store.UpdatedAt = DateTime.UtcNow;
        await a.SaveChangesAsync();

        await (await b.Database.BeginTransactionAsync().WaitAsync(Soon)).CommitAsync();
    }
}
