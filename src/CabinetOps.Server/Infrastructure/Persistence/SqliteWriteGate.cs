using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CabinetOps.Server.Infrastructure.Persistence;

/// <summary>
/// The embedded SQLite file's one writer, waited for without holding a thread (decision 0023).
/// Every transaction EF Core begins on SQLite is <c>BEGIN IMMEDIATE</c>: it takes the file's write
/// lock at once. Microsoft.Data.Sqlite waits for a busy lock by sleeping the calling thread (150 ms at
/// a time, up to the connection's timeout), so under a burst of writers each waiter held a thread-pool
/// thread while the lock's holder — often awaiting an HTTP answer between its statements — waited for a
/// thread to resume on, and a waiter could run out its 30 s. Here the process's own transactions queue
/// on an async gate first, so a waiter holds no thread and the holder always has one; only writers
/// outside EF transactions (Wolverine's envelope store, single autocommit statements) still meet
/// SQLite's busy wait, and they hold the lock for one statement.
/// </summary>
/// <remarks>
/// A connection holds the gate from the start of its transaction until the transaction commits or
/// rolls back, or the connection closes (a transaction disposed without either ends with it).
/// One instance per database file: it is registered with that file's context options.
/// </remarks>
public sealed class SqliteWriteGate(TimeSpan timeout) : IDbTransactionInterceptor, IDbConnectionInterceptor
{
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly ConcurrentDictionary<Guid, byte> _holders = new();

    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        if (!_holders.ContainsKey(eventData.ConnectionId))
            Held(eventData.ConnectionId, _writer.Wait(timeout));
        return result;
    }

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData,
        InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        if (!_holders.ContainsKey(eventData.ConnectionId))
            Held(eventData.ConnectionId, await _writer.WaitAsync(timeout, cancellationToken));
        return result;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Release(eventData.ConnectionId);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) =>
        Released(eventData.ConnectionId);

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Release(eventData.ConnectionId);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) =>
        Released(eventData.ConnectionId);

    public void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => Release(eventData.ConnectionId);

    public Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData) => Released(eventData.ConnectionId);

    public void ConnectionDisposed(DbConnection connection, ConnectionEndEventData eventData) => Release(eventData.ConnectionId);

    public Task ConnectionDisposedAsync(DbConnection connection, ConnectionEndEventData eventData) => Released(eventData.ConnectionId);

    /// <summary>Records the connection as the writer, or fails as SQLite itself would after the same wait.</summary>
    private void Held(Guid connectionId, bool entered)
    {
        if (!entered)
            throw new SqliteException($"database is locked: another transaction of this process held the write lock for {timeout.TotalSeconds:0} s", 5);
        _holders[connectionId] = 0;
    }

    private void Release(Guid connectionId)
    {
        if (_holders.TryRemove(connectionId, out _))
            _writer.Release();
    }

    /// <summary>The async hooks' form of <see cref="Release"/>: nothing in it waits.</summary>
    private Task Released(Guid connectionId)
    {
        Release(connectionId);
        return Task.CompletedTask;
    }
}
