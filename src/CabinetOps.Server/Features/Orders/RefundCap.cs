using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CabinetOps.Server.Features.Orders;

/// <summary>
/// The sum of refunds through a channel never exceeds what that channel received (DESIGN §6),
/// enforced by the database: a refund reserves its amount on the payment it goes back from with one
/// conditional increment of <see cref="OrderPayment.RefundedAmount"/>. Parallel refunds of one
/// payment serialise on its row, each sees the others' reservations, and the one that would go over
/// changes nothing; the CHECK constraint on the column refuses any write that still would.
/// </summary>
public static class RefundCap
{
    /// <summary>Reserves <paramref name="amount"/> on a succeeded payment; false when it would exceed what the payment received.</summary>
    public static async Task<bool> TryReserveRefundAsync(this CabinetOpsDbContext db, long paymentId, Money amount, CancellationToken ct)
    {
        Require(db, amount);
        var x = db.MoneyColumnValue(amount);
        var succeeded = nameof(PaymentRecordStatus.Succeeded);
        return await db.Database.ExecuteSqlAsync(
            $"UPDATE order_payments SET refunded_amount = refunded_amount + {x} WHERE id = {paymentId} AND status = {succeeded} AND refunded_amount + {x} <= amount", ct) == 1;
    }

    /// <summary>Gives a reservation back: the refund never reached the customer and may be made again.</summary>
    public static async Task ReleaseRefundAsync(this CabinetOpsDbContext db, long paymentId, Money amount, CancellationToken ct)
    {
        Require(db, amount);
        var x = db.MoneyColumnValue(amount);
        await db.Database.ExecuteSqlAsync($"UPDATE order_payments SET refunded_amount = refunded_amount - {x} WHERE id = {paymentId}", ct);
    }

    private static void Require(CabinetOpsDbContext db, Money amount)
    {
        if (amount.Fen <= 0)
            throw new ArgumentOutOfRangeException(nameof(amount), amount, "退款金额必须大于 0");
        // The reservation and the refund row commit together, or a crash in between would keep money reserved that never left.
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("A refund is reserved only inside a transaction (with the refund it reserves for).");
    }
}
