using CabinetOps.Server.Features.Alerts;
using CabinetOps.Server.Features.Audit;
using CabinetOps.Server.Features.Staff;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Persistence;
using CabinetOps.Server.Infrastructure.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CabinetOps.Server.Features.Complaints;

/// <summary>投诉管理 filters: <c>Open</c> = 待处理 and 处理中 together.</summary>
public sealed record ComplaintListFilter(ComplaintStatus? Status = null, bool? Open = null, bool? Overdue = null, int? StoreId = null, string? Search = null,
    int Page = 1, int PageSize = 20);

public sealed record ComplaintRow(long Id, string ComplaintNo, long OrderId, string OrderNo, string StoreName, ComplaintType Type, string TypeLabel,
    ComplaintStatus Status, string StatusLabel, string Description, DateTime CreatedAt, DateTime Deadline, bool Answered, bool Overdue, string? HandlerName);

public sealed record ComplaintListPage(IReadOnlyList<ComplaintRow> Items, int Total, int Page, int PageSize, int OverdueCount);

public sealed record ComplaintReplyView(ReplyFrom From, string Who, string Text, DateTime At);

public sealed record ComplaintDetail(ComplaintRow Complaint, string? MaskedPhone, IReadOnlyList<MpPhoto> Photos, IReadOnlyList<ComplaintReplyView> Replies,
    string? Resolution, DateTime? ClosedAt, string? CorrectionNo);

public sealed record ComplaintTextRequest(string? Text);

public sealed record ComplaintResolveRequest(string? Resolution, string? CorrectionNo);

/// <summary>
/// 投诉管理 for staff: the queue (oldest deadline first among the open ones) with its countdown,
/// take, reply to the customer, resolve (often with a correction of the order) or reject with a
/// reason. The deadline is for the first answer: a staff reply, or closing the complaint, meets it.
/// A franchise manager handles only their stores' complaints; others read as absent.
/// </summary>
public sealed class ComplaintAdmin(CabinetOpsDbContext db, ComplaintPhotoLinks links, PersonalDataProtector protector, AuditWriter audit, AlertBoard alerts,
    TimeProvider clock)
{
    public const int MaxPageSize = 100;
    public const string OverdueAlert = "complaint.overdue";

    public async Task<Result<ComplaintListPage>> ListAsync(StaffActor actor, ComplaintListFilter f, CancellationToken ct)
    {
        if (f.Page < 1)
            return Problem.Validation("page", "页码从 1 开始");
        if (f.PageSize is < 1 or > MaxPageSize)
            return Problem.Validation("pageSize", $"每页 1–{MaxPageSize} 条");
        var now = clock.GetUtcNow().UtcDateTime;
        var q = Visible(actor);
        var overdueCount = await Overdue(q, now).CountAsync(ct);
        if (f.Status is { } status)
            q = q.Where(c => c.Status == status);
        if (f.Open == true)
            q = q.Where(c => c.Status == ComplaintStatus.Pending || c.Status == ComplaintStatus.Processing);
        if (f.Overdue == true)
            q = Overdue(q, now);
        if (f.StoreId is { } store)
            q = q.Where(c => c.StoreId == store);
        if (!string.IsNullOrWhiteSpace(f.Search))
        {
            var s = f.Search.Trim();
            q = q.Where(c => c.ComplaintNo == s || db.Orders.Any(o => o.Id == c.OrderId && o.OrderNo == s));
        }

        var total = await q.CountAsync(ct);
        // Open ones first, the nearest deadline first; then the closed ones, newest first.
        var rows = await Project(q.OrderBy(c => c.Status == ComplaintStatus.Pending || c.Status == ComplaintStatus.Processing ? 0 : 1)
                .ThenBy(c => c.Status == ComplaintStatus.Pending || c.Status == ComplaintStatus.Processing ? c.Deadline : DateTime.MaxValue)
                .ThenByDescending(c => c.CreatedAt).Skip((f.Page - 1) * f.PageSize).Take(f.PageSize), now)
            .ToListAsync(ct);
        return new ComplaintListPage(rows, total, f.Page, f.PageSize, overdueCount);
    }

    public async Task<Result<ComplaintDetail>> GetAsync(StaffActor actor, long id, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var row = await Project(Visible(actor).Where(c => c.Id == id), now).SingleOrDefaultAsync(ct);
        if (row is null)
            return Problem.NotFound("投诉");
        var c = await db.Complaints.AsNoTracking().AsSplitQuery().Include(x => x.Photos).Include(x => x.Replies).SingleAsync(x => x.Id == id, ct);
        var phone = await (from o in db.Orders where o.Id == c.OrderId select o.UserPhone).SingleOrDefaultAsync(ct);
        return new ComplaintDetail(row, phone is null ? null : PhoneNumber.Mask(protector.Unprotect(phone)),
            c.Photos.OrderBy(p => p.Id).Select(p => new MpPhoto(p.PhotoId, links.For(p.PhotoId))).ToList(),
            c.Replies.OrderBy(r => r.At).ThenBy(r => r.Id).Select(r => new ComplaintReplyView(r.From, r.From == ReplyFrom.Staff ? r.StaffName ?? "客服" : "顾客", r.Text, r.At)).ToList(),
            c.Resolution, c.ClosedAt, c.CorrectionNo);
    }

    /// <summary>处理: the actor becomes its handler (taking over from another handler is allowed and recorded).</summary>
    public Task<Result<ComplaintDetail>> TakeAsync(StaffActor actor, long id, CancellationToken ct) => ActAsync(actor, id, ct, (c, now) =>
    {
        var before = c.HandlerName;
        Take(c, actor, now);
        return ("complaint.take", $"受理投诉 {c.ComplaintNo}" + (before is not null && before != actor.Name ? $"（从 {before} 转给 {actor.Name}）" : ""), (Problem?)null);
    });

    public Task<Result<ComplaintDetail>> ReplyAsync(StaffActor actor, long id, string? text, CancellationToken ct)
    {
        if (ComplaintRules.CheckText(text, "回复内容") is { } bad)
            return Task.FromResult<Result<ComplaintDetail>>(Problem.Validation("text", bad));
        return ActAsync(actor, id, ct, (c, now) =>
        {
            if (c.HandlerId is null)
                Take(c, actor, now);
            c.Replies.Add(new ComplaintReply { From = ReplyFrom.Staff, Text = text!.Trim(), StaffId = actor.Id, StaffName = actor.Name, At = now });
            return ("complaint.reply", $"回复投诉 {c.ComplaintNo}：{text!.Trim()}", null);
        });
    }

    /// <summary>已解决, with the words the customer reads and, when a correction settled it, that correction (of this complaint's order).</summary>
    public async Task<Result<ComplaintDetail>> ResolveAsync(StaffActor actor, long id, ComplaintResolveRequest request, CancellationToken ct)
    {
        if (ComplaintRules.CheckText(request.Resolution, "处理结果") is { } bad)
            return Problem.Validation("resolution", bad);
        var correctionNo = string.IsNullOrWhiteSpace(request.CorrectionNo) ? null : request.CorrectionNo.Trim();
        return await ActAsync(actor, id, ct, (c, now) =>
        {
            if (correctionNo is not null && !db.OrderCorrections.Any(x => x.CorrectionNo == correctionNo && x.OrderId == c.OrderId))
                return ("", "", Problem.Validation("correctionNo", "该修正不属于投诉的订单"));
            Close(c, actor, ComplaintStatus.Resolved, request.Resolution!.Trim(), now);
            c.CorrectionNo = correctionNo;
            return ("complaint.resolve", $"解决投诉 {c.ComplaintNo}：{c.Resolution}" + (correctionNo is null ? "" : $"（订单修正 {correctionNo}）"), null);
        });
    }

    public Task<Result<ComplaintDetail>> RejectAsync(StaffActor actor, long id, string? reason, CancellationToken ct)
    {
        if (ComplaintRules.CheckText(reason, "驳回原因") is { } bad)
            return Task.FromResult<Result<ComplaintDetail>>(Problem.Validation("text", bad));
        return ActAsync(actor, id, ct, (c, now) =>
        {
            Close(c, actor, ComplaintStatus.Rejected, reason!.Trim(), now);
            return ("complaint.reject", $"驳回投诉 {c.ComplaintNo}：{c.Resolution}", null);
        });
    }

    /// <summary>The minute check: every open complaint past its deadline without an answer raises one alert.</summary>
    public async Task RaiseOverdueAlertsAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var overdue = await Overdue(db.Complaints.AsNoTracking(), now)
            .Where(c => !db.Alerts.Any(a => a.Kind == OverdueAlert && a.Subject == c.ComplaintNo))
            .OrderBy(c => c.Deadline).Take(200).Select(c => new { c.Id, c.ComplaintNo, c.StoreId, c.Deadline, c.Type }).ToListAsync(ct);
        foreach (var c in overdue)
            await alerts.RaiseAsync(OverdueAlert, c.ComplaintNo, $"投诉 {c.ComplaintNo}（{c.Type.Label()}）超过处理时限未答复", $"时限 {c.Deadline:yyyy-MM-dd HH:mm} UTC",
                c.StoreId, $"/complaints/{c.Id}", ct);
    }

    private async Task<Result<ComplaintDetail>> ActAsync(StaffActor actor, long id, CancellationToken ct, Func<Complaint, DateTime, (string Action, string Summary, Problem? Problem)> act)
    {
        if (!actor.Can(Permissions.ComplaintsHandle))
            return Problem.Forbidden();
        var c = await db.Complaints.Include(x => x.Replies).SingleOrDefaultAsync(x => x.Id == id, ct);
        if (c is null || !actor.CanSeeStore(c.StoreId))
            return Problem.NotFound("投诉");
        if (!c.IsOpen)
            return Problem.Conflict("complaint-closed", $"投诉已{c.Status.Label()}");
        var now = clock.GetUtcNow().UtcDateTime;
        var before = new { status = c.Status.Label(), handler = c.HandlerName };
        var (action, summary, problem) = act(c, now);
        if (problem is not null)
            return problem;
        c.UpdatedAt = now;
        audit.Record(actor, action, "complaint", c.ComplaintNo, summary, before, new { status = c.Status.Label(), handler = c.HandlerName, resolution = c.Resolution }, c.StoreId);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problem.Conflict("complaint-changed", "投诉已被他人处理，请刷新");
        }

        return await GetAsync(actor, id, ct);
    }

    private static void Take(Complaint c, StaffActor actor, DateTime now)
    {
        c.Status = ComplaintStatus.Processing;
        c.HandlerId = actor.Id;
        c.HandlerName = actor.Name;
        c.TakenAt = now;
    }

    private static void Close(Complaint c, StaffActor actor, ComplaintStatus status, string words, DateTime now)
    {
        if (c.HandlerId is null)
            Take(c, actor, now);
        c.Status = status;
        c.Resolution = words;
        c.ClosedAt = now;
    }

    private IQueryable<Complaint> Visible(StaffActor actor)
    {
        var q = db.Complaints.AsNoTracking();
        if (actor.AllStores)
            return q;
        var scope = actor.StoreIds.ToList();
        return q.Where(c => scope.Contains(c.StoreId));
    }

    /// <summary>Open, past the deadline, and no staff answer yet.</summary>
    private static IQueryable<Complaint> Overdue(IQueryable<Complaint> q, DateTime now) =>
        q.Where(c => (c.Status == ComplaintStatus.Pending || c.Status == ComplaintStatus.Processing) && c.Deadline < now && !c.Replies.Any(r => r.From == ReplyFrom.Staff));

    private IQueryable<ComplaintRow> Project(IQueryable<Complaint> q, DateTime now) =>
        from c in q
        join o in db.Orders on c.OrderId equals o.Id
        join s in db.Stores on c.StoreId equals s.Id
        let answered = c.Replies.Any(r => r.From == ReplyFrom.Staff) || c.Status == ComplaintStatus.Resolved || c.Status == ComplaintStatus.Rejected
        select new ComplaintRow(c.Id, c.ComplaintNo, c.OrderId, o.OrderNo, s.StoreName, c.Type, c.Type.Label(), c.Status, c.Status.Label(), c.Description, c.CreatedAt, c.Deadline,
            answered, !answered && c.Deadline < now, c.HandlerName);
}

public static class ComplaintAdminApi
{
    public static IEndpointRouteBuilder MapComplaintAdminApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/admin/complaints").WithTags("Complaints").RequireAuthorization(Permissions.ComplaintsView);
        g.MapGet("/", async Task<Results<Ok<ComplaintListPage>, ProblemHttpResult>> ([AsParameters] ComplaintListQuery query, HttpContext http, ComplaintAdmin h,
                CancellationToken ct) => (await h.ListAsync(StaffApi.Actor(http), query.ToFilter(), ct)).ToHttp())
            .WithSummary("投诉队列（未结的在前，按时限排序；overdueCount 为超时未答复的数量）");
        g.MapGet("/{id:long}", async Task<Results<Ok<ComplaintDetail>, ProblemHttpResult>> (long id, HttpContext http, ComplaintAdmin h, CancellationToken ct) =>
                (await h.GetAsync(StaffApi.Actor(http), id, ct)).ToHttp())
            .WithSummary("投诉详情：订单、图片、与顾客的往来、处理结果");
        var act = g.MapGroup("/{id:long}").RequireAuthorization(Permissions.ComplaintsHandle);
        act.MapPost("/take", async Task<Results<Ok<ComplaintDetail>, ProblemHttpResult>> (long id, HttpContext http, ComplaintAdmin h, CancellationToken ct) =>
                (await h.TakeAsync(StaffApi.Actor(http), id, ct)).ToHttp())
            .WithSummary("受理（成为处理人；可从他人处接手）");
        act.MapPost("/replies", async Task<Results<Ok<ComplaintDetail>, ProblemHttpResult>> (long id, ComplaintTextRequest body, HttpContext http, ComplaintAdmin h,
                CancellationToken ct) => (await h.ReplyAsync(StaffApi.Actor(http), id, body.Text, ct)).ToHttp())
            .WithSummary("回复顾客（顾客在小程序「我的投诉」中看到）");
        act.MapPost("/resolve", async Task<Results<Ok<ComplaintDetail>, ProblemHttpResult>> (long id, ComplaintResolveRequest body, HttpContext http, ComplaintAdmin h,
                CancellationToken ct) => (await h.ResolveAsync(StaffApi.Actor(http), id, body, ct)).ToHttp())
            .WithSummary("解决投诉（处理结果必填；可关联该订单的修正单号）");
        act.MapPost("/reject", async Task<Results<Ok<ComplaintDetail>, ProblemHttpResult>> (long id, ComplaintTextRequest body, HttpContext http, ComplaintAdmin h,
                CancellationToken ct) => (await h.RejectAsync(StaffApi.Actor(http), id, body.Text, ct)).ToHttp())
            .WithSummary("驳回投诉（原因必填，顾客可见）");
        return app;
    }

    public sealed record ComplaintListQuery(ComplaintStatus? Status, bool? Open, bool? Overdue, int? StoreId, string? Search, int? Page, int? PageSize)
    {
        public ComplaintListFilter ToFilter() => new(Status, Open, Overdue, StoreId, Search, Page ?? 1, PageSize ?? 20);
    }
}
