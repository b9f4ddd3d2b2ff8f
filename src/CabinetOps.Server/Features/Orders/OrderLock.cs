using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CabinetOps.Server.Features.Orders;

/// <summary>
/// One writer at a time for an order's money. Every handler that decides from an order's payment
/// state and then changes it (a JSAPI success, a Pay Score collection, a complete, a sync) takes
/// this lock first and reads the order and its payments only after it. Without it two handlers
/// (the notification and the customer's payment check, or a JSAPI success and a Pay Score
/// <c>USER_PAID</c>) both read "unpaid", both commit, and money collected twice is never refunded,
/// or one payment is taken for a second one and refunded although it was the only one (both
/// found by the chaos test). The lock is the order's row, held to the end of the handler's
/// transaction; other orders are not held up.
/// </summary>
public static class OrderLock
{
    public static Task LockOrderAsync(this CabinetOpsDbContext db, long orderId, CancellationToken ct) => db.LockRowAsync("orders", orderId, ct);

    /// <summary>
    /// Holds one row of <paramref name="table"/> (one of ours, named in code, never from input) to the
    /// end of the current transaction. Take it before reading anything in that transaction: on SQLite a
    /// transaction that has read cannot wait for the write lock.
    /// </summary>
    public static async Task LockRowAsync(this CabinetOpsDbContext db, string table, long id, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException($"A row of {table} is locked only inside a transaction (a durable work handler or an inline command).");
#pragma warning disable EF1002 // the table name is a constant of ours; the id is a parameter
        if (db.Database.IsNpgsql())
            await db.Database.ExecuteSqlRawAsync($"SELECT 1 FROM {table} WHERE id = {{0}} FOR UPDATE", [id], ct);
        else
            // SQLite locks the whole file for a writer: a write that changes nothing takes that lock
            // now (a no-op if the transaction began IMMEDIATE and holds it already).
            await db.Database.ExecuteSqlRawAsync($"UPDATE {table} SET id = id WHERE id = {{0}}", [id], ct);
#pragma warning restore EF1002
    }
}
