using System.Data.Common;
using System.Net.Http.Json;
using System.Text.Json;
using CabinetOps.Server.Features.Orders;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CabinetOps.IntegrationTests.Features.Orders;

/// <summary>Refunds never exceed what the channel received (DESIGN §6), enforced by the database.</summary>
public abstract class RefundCapTests(AppFixture app) : OrderTestBase(app)
{
    protected async Task<(Order Order, OrderPayment Payment)> PaidPayScoreOrderAsync()
    {
        await EnsureCatalogueAsync();
        var device = await Host.NewCabinetAsync();
        var shelf = await ShelfAsync(device);
        var (client, _) = await Host.PayScoreCustomerAsync("refund-" + Guid.NewGuid().ToString("N"));
        var no = await ShopAsync(client, device, "PayScore", (shelf[0], 1), (shelf[1], 2));
        var order = await WaitForPaymentStatusAsync(no, PaymentStatus.Paid);
        var payment = await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().OrderPayments.AsNoTracking().SingleAsync(p => p.OrderId == order.Id));
        return (order, payment);
    }

    /// <summary>One refund attempt the way a feature makes it: in its own scope and transaction.</summary>
    protected Task<bool> RequestAsync(Order order, OrderPayment payment, Money amount, string outRefundNo) => Host.WithScopeAsync(async sp =>
    {
        var db = sp.GetRequiredService<CabinetOpsDbContext>();
        await using var tx = await db.Database.BeginTransactionAsync();
        var stored = await sp.GetRequiredService<OrderRefunds>().RequestAsync(order, payment, amount, outRefundNo, "测试退款", CancellationToken.None);
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        return stored;
    });

    [Fact]
    public async Task TheDatabaseRefusesToRecordMoreRefundedThanThePaymentReceived()
    {
        var (_, payment) = await PaidPayScoreOrderAsync();

        var refused = await Assert.ThrowsAnyAsync<DbException>(() => Host.WithScopeAsync(sp =>
            sp.GetRequiredService<CabinetOpsDbContext>().Database.ExecuteSqlAsync($"UPDATE order_payments SET refunded_amount = amount + amount WHERE id = {payment.Id}")));
        Assert.Contains("ck_order_payments_refunded_amount", refused.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(Money.Zero, await RefundedAsync(payment.Id));
    }

    protected Task<Money> RefundedAsync(long paymentId) =>
        Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().OrderPayments.Where(p => p.Id == paymentId).Select(p => p.RefundedAmount).SingleAsync());
}

public sealed class RefundCapOnSqlite(SqliteApp app) : RefundCapTests(app), IClassFixture<SqliteApp>;

/// <summary>
/// Parallel refunds run on PostgreSQL, where several server nodes make them at once. A refund is
/// sent by durable work enrolled in its handler's transaction; called from a test's own transaction
/// instead, on SQLite the send waits for the file's write lock that transaction holds.
/// </summary>
public sealed class RefundCapOnPostgres(PostgresApp app) : RefundCapTests(app), IClassFixture<PostgresApp>
{
    [Fact]
    public async Task TwentyParallelRefundsOfOnePaymentNeverGiveBackMoreThanItReceived()
    {
        var (order, payment) = await PaidPayScoreOrderAsync();
        var part = new Money(payment.Amount.Fen * 3 / 10);

        // Twenty causes at once, each asking for 30 % of the payment: three fit, the fourth would go over.
        var stored = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => RequestAsync(order, payment, part, $"{order.OrderNo}-T{i:00}")));

        Assert.Equal(3, stored.Count(s => s));
        var refunds = await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().OrderRefunds.AsNoTracking().Where(r => r.PaymentId == payment.Id).ToListAsync());
        Assert.Equal(3, refunds.Count);
        Assert.Equal(part.Fen * 3, (await RefundedAsync(payment.Id)).Fen);

        // WeChat gives back exactly those three, once each.
        var settled = await Eventually.WaitAsync(
            () => Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().OrderRefunds.AsNoTracking().Where(r => r.PaymentId == payment.Id).ToListAsync()),
            rs => rs.All(r => r.Status == RefundStatus.Succeeded), "the three refunds to succeed");
        using var sandbox = Host.CreateHttpClient();
        var returned = (await sandbox.GetFromJsonAsync<JsonElement>("/sandbox/wechatpay/ledger")).EnumerateArray()
            .Where(e => e.GetProperty("kind").GetString() == "REFUND" && e.GetProperty("out_trade_no").GetString() == payment.TransactionId)
            .Select(e => (e.GetProperty("transaction_id").GetString(), e.GetProperty("amount").GetInt64())).ToList();
        Assert.Equal(settled.Select(r => (r.RefundId, -part.Fen)).Order(), returned.Order());

        // The same cause again refunds nothing more.
        Assert.True(await RequestAsync(order, payment, part, refunds[0].OutRefundNo));
        Assert.Equal(3, await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().OrderRefunds.CountAsync(r => r.PaymentId == payment.Id)));
    }
}
