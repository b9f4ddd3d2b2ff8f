using System.ComponentModel.DataAnnotations;
using CabinetOps.Server.Features.Audit;
using CabinetOps.Server.Features.Staff;
using CabinetOps.Server.Features.Tickets;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Persistence;
using CabinetOps.Server.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace CabinetOps.Server.Features.Customers;

public sealed record CustomerRow(int Id, string? Username, string? MaskedPhone, string MaskedOpenId, long TicketBalance, bool IsBlocked, DateTime CreateTime, DateTime? LastLoginAt);

public sealed record CustomerPage(IReadOnlyList<CustomerRow> Items, int Total, int Page, int PageSize);

public sealed record TicketEntryView(long Id, TicketEntryKind Kind, string KindLabel, long Amount, long BalanceAfter, string Reason, string OperatorName, string? RelatedOrderNo, DateTime CreatedAt);

public sealed record CustomerDetail(CustomerRow Customer, IReadOnlyList<TicketEntryView> Ledger, int LedgerTotal, PayScoreAuthorization PayScoreState,
    string PayScoreStateLabel, DateTime? PayScoreStateAt);

public sealed record AdjustTicketsRequest(
    [property: Required(ErrorMessage = "请输入礼票数量")] long? Amount,
    [property: Required(ErrorMessage = "请填写原因"), StringLength(200, ErrorMessage = "原因不能超过 200 个字")] string Reason);

public sealed record BlockCustomerRequest(bool Blocked, [property: Required(ErrorMessage = "请填写原因"), StringLength(200, ErrorMessage = "原因不能超过 200 个字")] string Reason);

/// <summary>
/// 用户管理: customers are chain-wide (not store-scoped). Phones are shown masked and found by their
/// keyed hash; openids are never shown in full.
/// </summary>
public sealed class CustomerAdminHandlers(CabinetOpsDbContext db, PersonalDataProtector protector, TicketLedger tickets, AuditWriter audit)
{
    public async Task<CustomerPage> ListAsync(string? phone, bool? blocked, int page, int pageSize, CancellationToken ct)
    {
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, 100);
        var q = db.Customers.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(phone))
        {
            // Exact lookup only: the number is never stored in clear, so "contains" cannot exist.
            var hash = protector.Hash(PhoneNumber.HashPurpose, PhoneNumber.Normalise(phone));
            q = q.Where(c => c.PhoneHash == hash);
        }

        if (blocked is { } b)
            q = q.Where(c => c.IsBlocked == b);
        var total = await q.CountAsync(ct);
        var rows = await q.OrderByDescending(c => c.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new CustomerPage(rows.Select(ToRow).ToList(), total, page, pageSize);
    }

    public async Task<Result<CustomerDetail>> GetAsync(int id, int ledgerPage, int ledgerPageSize, CancellationToken ct)
    {
        var customer = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (customer is null)
            return Problem.NotFound("用户");
        ledgerPage = Math.Max(1, ledgerPage);
        ledgerPageSize = Math.Clamp(ledgerPageSize, 1, 100);
        var ledger = db.Set<TicketLedgerEntry>().AsNoTracking().Where(e => e.CustomerId == id);
        var total = await ledger.CountAsync(ct);
        var entries = await ledger.OrderByDescending(e => e.Id).Skip((ledgerPage - 1) * ledgerPageSize).Take(ledgerPageSize).ToListAsync(ct);
        return new CustomerDetail(ToRow(customer),
            entries.Select(e => new TicketEntryView(e.Id, e.Kind, e.Kind.Label(), e.Amount, e.BalanceAfter, e.Reason, e.OperatorName, e.RelatedOrderNo, e.CreatedAt)).ToList(),
            total, customer.PayScoreState, customer.PayScoreState.Label(), customer.PayScoreStateAt);
    }

    /// <summary>Grant (positive) or deduct (negative) tickets by hand, with a reason; audited with the balance before and after.</summary>
    public async Task<Result<CustomerDetail>> AdjustTicketsAsync(StaffActor actor, int id, long amount, string reason, CancellationToken ct)
    {
        if (TicketLedger.Check(amount, reason) is { } invalid)
            return Problem.Validation(string.IsNullOrWhiteSpace(reason) ? "reason" : "amount", invalid);
        var strategy = db.Database.CreateExecutionStrategy();
        var posted = await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var result = await tickets.PostAsync(id, amount > 0 ? TicketEntryKind.Grant : TicketEntryKind.Adjustment, amount, reason, actor, null, ct);
            if (!result.IsSuccess)
                return result;
            audit.Record(actor, "tickets.adjust", "Customer", id.ToString(), $"{(amount > 0 ? "发放" : "扣减")}礼票 {Math.Abs(amount)} 张：{reason.Trim()}",
                new { TicketBalance = result.Value - amount }, new { TicketBalance = result.Value });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return result;
        });
        return posted.IsSuccess ? await GetAsync(id, 1, 20, ct) : posted.Problem!;
    }

    public async Task<Result<CustomerDetail>> SetBlockedAsync(StaffActor actor, int id, bool blocked, string reason, CancellationToken ct)
    {
        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (customer is null)
            return Problem.NotFound("用户");
        if (customer.IsBlocked != blocked)
        {
            customer.IsBlocked = blocked;
            audit.Record(actor, blocked ? "customer.block" : "customer.unblock", "Customer", id.ToString(),
                $"{(blocked ? "拉黑" : "解除拉黑")}用户 #{id}：{reason.Trim()}", new { IsBlocked = !blocked }, new { IsBlocked = blocked });
            await db.SaveChangesAsync(ct);
        }

        return await GetAsync(id, 1, 20, ct);
    }

    private CustomerRow ToRow(Customer c) => new(c.Id, c.Username, c.Phone is null ? null : PhoneNumber.Mask(protector.Unprotect(c.Phone)),
        MaskOpenId(c.OpenId), c.TicketBalance, c.IsBlocked, c.CreateTime, c.LastLoginAt);

    /// <summary>Enough to tell two customers apart when talking to WeChat support, never the whole id.</summary>
    public static string MaskOpenId(string openId) => openId.Length > 8 ? $"{openId[..4]}****{openId[^4..]}" : "****";
}
