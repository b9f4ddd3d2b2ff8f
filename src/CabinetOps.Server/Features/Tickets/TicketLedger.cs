using CabinetOps.Server.Features.Staff;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CabinetOps.Server.Features.Tickets;

/// <summary>
/// Posts ticket movements. The balance changes by one conditional UPDATE (it never goes below
/// zero, however many deductions race), and the ledger row is written in the same transaction;
/// the database's check constraint on <c>users.ticket_balance</c> backs the rule up.
/// </summary>
public sealed class TicketLedger(CabinetOpsDbContext db, TimeProvider clock)
{
    public const long MaxMovement = 100_000_000;

    /// <summary>The rule for a movement, before anything touches the database.</summary>
    public static string? Check(long amount, string? reason) =>
        amount == 0 ? "礼票数量不能为 0"
        : Math.Abs(amount) > MaxMovement ? $"单次调整不能超过 {MaxMovement} 张"
        : string.IsNullOrWhiteSpace(reason) ? "请填写原因"
        : reason.Trim().Length > 200 ? "原因不能超过 200 个字"
        : null;

    /// <summary>
    /// Posts one movement inside the caller's transaction: the balance changes at once, the ledger row
    /// is added to the context and goes in with the caller's next save, so an order payment and its
    /// ticket deduction are one unit (and one batch). Returns the balance after, or a problem when tickets are short.
    /// </summary>
    public async Task<Result<long>> PostAsync(int customerId, TicketEntryKind kind, long amount, string reason, StaffActor actor, string? relatedOrderNo, CancellationToken ct)
    {
        if (Check(amount, reason) is { } invalid)
            return Problem.Validation("amount", invalid);
        var changed = await db.Customers
            .Where(c => c.Id == customerId && c.TicketBalance + amount >= 0)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.TicketBalance, c => c.TicketBalance + amount), ct);
        if (changed == 0)
        {
            return await db.Customers.AnyAsync(c => c.Id == customerId, ct)
                ? Problem.Conflict("tickets-insufficient", "礼票余额不足")
                : Problem.NotFound("用户");
        }

        // Our UPDATE holds the row until commit, so this reads our own result.
        var balance = await db.Customers.Where(c => c.Id == customerId).Select(c => c.TicketBalance).SingleAsync(ct);
        db.Add(new TicketLedgerEntry
        {
            CustomerId = customerId,
            Kind = kind,
            Amount = amount,
            BalanceAfter = balance,
            Reason = reason.Trim(),
            OperatorId = actor.Id,
            OperatorName = actor.Name,
            RelatedOrderNo = relatedOrderNo,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        });
        return balance;
    }
}
