using CabinetOps.Server.Features.Customers;
using CabinetOps.Server.Features.Stores;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CabinetOps.Server.Features.Complaints;

public sealed record MpComplaintRequest(string? OrderNo, ComplaintType? Type, string? Description, IReadOnlyList<string>? PhotoIds);

public sealed record MpReplyRequest(string? Text);

public sealed record MpPhoto(string PhotoId, string Url);

public sealed record MpReply(ReplyFrom From, string Text, DateTime At);

public sealed record MpComplaint(string ComplaintNo, string OrderNo, ComplaintType Type, string TypeLabel, ComplaintStatus Status, string StatusLabel,
    string Description, IReadOnlyList<MpPhoto> Photos, DateTime CreatedAt, DateTime Deadline, DateTime? ResolvedAt, string? Resolution, IReadOnlyList<MpReply> Replies);

public sealed record MpComplaintSummary(string ComplaintNo, string OrderNo, ComplaintType Type, string TypeLabel, ComplaintStatus Status, string StatusLabel,
    string Description, DateTime CreatedAt, DateTime? LastReplyAt, int ReplyCount);

public sealed record MpComplaintPage(IReadOnlyList<MpComplaintSummary> Items, int Total, int Page, int PageSize);

/// <summary>
/// 我的投诉 (docs/integrations/miniprogram-complaints.md): file a complaint on one's own order with
/// photos uploaded before, follow it, add to it while it is open. Another customer's order or
/// complaint reads exactly like an unknown one.
/// </summary>
public sealed class CustomerComplaints(CabinetOpsDbContext db, ComplaintPhotoLinks links, StoreDefaults defaults, IOptions<ComplaintOptions> options,
    TimeProvider clock, ILogger<CustomerComplaints> logger)
{
    public const int MaxPageSize = 50;

    public async Task<Result<MpComplaint>> FileAsync(int customerId, MpComplaintRequest request, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.OrderNo))
            return Problem.Validation("orderNo", "请选择订单");
        if (request.Type is not { } type || !Enum.IsDefined(type))
            return Problem.Validation("type", "请选择投诉类型");
        if (ComplaintRules.CheckText(request.Description, "问题描述") is { } bad)
            return Problem.Validation("description", bad);
        var photoIds = request.PhotoIds ?? [];
        if (photoIds.Count > ComplaintRules.MaxPhotos)
            return Problem.Validation("photoIds", $"最多上传 {ComplaintRules.MaxPhotos} 张图片");
        if (photoIds.Distinct().Count() != photoIds.Count)
            return Problem.Validation("photoIds", "图片重复");

        var order = await db.Orders.AsNoTracking().Where(o => o.OrderNo == request.OrderNo.Trim() && o.UserId == customerId)
            .Select(o => new { o.Id, o.StoreId, o.OrderTime }).SingleOrDefaultAsync(ct);
        if (order is null)
            return Problem.NotFound("订单");
        var now = clock.GetUtcNow().UtcDateTime;
        var o = options.Value;
        if (order.OrderTime < now.AddDays(-o.WindowDays))
            return new Problem("complaint-too-late", $"订单已超过投诉期限（{o.WindowDays} 天）", StatusCodes.Status422UnprocessableEntity);
        if (await db.Complaints.AnyAsync(c => c.OrderId == order.Id && (c.Status == ComplaintStatus.Pending || c.Status == ComplaintStatus.Processing), ct))
            return Problem.Conflict("complaint-open", "该订单已有处理中的投诉");
        var photos = await db.ComplaintPhotos.Where(p => photoIds.Contains(p.PhotoId) && p.CustomerId == customerId && p.ComplaintId == null).ToListAsync(ct);
        if (photos.Count != photoIds.Count)
            return Problem.Validation("photoIds", "图片已失效，请重新上传");

        // The store's response time (门店设置 投诉响应时限, else the global default).
        var store = await db.Stores.AsNoTracking().SingleAsync(s => s.Id == order.StoreId, ct);
        var responseHours = StoreDefaults.Effective(store, await defaults.GetAsync(ct)).ComplaintResponseHours;
        var complaint = new Complaint
        {
            ComplaintNo = BusinessNumbers.New("TS", now),
            OrderId = order.Id,
            CustomerId = customerId,
            StoreId = order.StoreId,
            Type = type,
            Status = ComplaintStatus.Pending,
            Description = request.Description!.Trim(),
            CreatedAt = now,
            Deadline = now.AddHours(responseHours),
            UpdatedAt = now,
        };
        complaint.Photos.AddRange(photos);
        db.Complaints.Add(complaint);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two submits at once: the database's one-open-per-order index let the first through.
            if (await OpenOnOrderAsync(order.Id, ct))
                return Problem.Conflict("complaint-open", "该订单已有处理中的投诉");
            throw;
        }

        logger.LogInformation("Customer {CustomerId} filed complaint {ComplaintNo} ({Type}) on order {OrderId}", customerId, complaint.ComplaintNo, type, order.Id);
        return (await GetAsync(customerId, complaint.ComplaintNo, ct)).Value!;
    }

    public async Task<Result<MpComplaintPage>> ListAsync(int customerId, int? page, int? pageSize, CancellationToken ct)
    {
        var (p, size) = (page ?? 1, pageSize ?? 20);
        if (p < 1)
            return Problem.Validation("page", "页码从 1 开始");
        if (size is < 1 or > MaxPageSize)
            return Problem.Validation("pageSize", $"每页 1–{MaxPageSize} 条");
        var mine = db.Complaints.AsNoTracking().Where(c => c.CustomerId == customerId);
        var total = await mine.CountAsync(ct);
        var rows = await (from c in mine.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id).Skip((p - 1) * size).Take(size)
                          join o in db.Orders on c.OrderId equals o.Id
                          select new { c.ComplaintNo, o.OrderNo, c.Type, c.Status, c.Description, c.CreatedAt, LastReplyAt = c.Replies.Max(r => (DateTime?)r.At), Replies = c.Replies.Count })
            .ToListAsync(ct);
        return new MpComplaintPage(rows.Select(r => new MpComplaintSummary(r.ComplaintNo, r.OrderNo, r.Type, r.Type.Label(), r.Status, r.Status.Label(),
            r.Description.Length > 60 ? r.Description[..60] + "…" : r.Description, r.CreatedAt, r.LastReplyAt, r.Replies)).ToList(), total, p, size);
    }

    public async Task<Result<MpComplaint>> GetAsync(int customerId, string complaintNo, CancellationToken ct)
    {
        var c = await db.Complaints.AsNoTracking().AsSplitQuery().Include(x => x.Photos).Include(x => x.Replies)
            .SingleOrDefaultAsync(x => x.ComplaintNo == complaintNo && x.CustomerId == customerId, ct);
        if (c is null)
            return Problem.NotFound("投诉");
        var orderNo = await db.Orders.Where(o => o.Id == c.OrderId).Select(o => o.OrderNo).SingleAsync(ct);
        return new MpComplaint(c.ComplaintNo, orderNo, c.Type, c.Type.Label(), c.Status, c.Status.Label(), c.Description,
            c.Photos.OrderBy(p => p.Id).Select(p => new MpPhoto(p.PhotoId, links.For(p.PhotoId))).ToList(), c.CreatedAt, c.Deadline, c.ClosedAt, c.Resolution,
            c.Replies.OrderBy(r => r.At).ThenBy(r => r.Id).Select(r => new MpReply(r.From, r.Text, r.At)).ToList());
    }

    public async Task<Result<MpComplaint>> ReplyAsync(int customerId, string complaintNo, MpReplyRequest request, CancellationToken ct)
    {
        if (ComplaintRules.CheckText(request.Text, "回复内容") is { } bad)
            return Problem.Validation("text", bad);
        var c = await db.Complaints.SingleOrDefaultAsync(x => x.ComplaintNo == complaintNo && x.CustomerId == customerId, ct);
        if (c is null)
            return Problem.NotFound("投诉");
        if (!c.IsOpen)
            return Problem.Conflict("complaint-closed", "投诉已处理完毕");
        var now = clock.GetUtcNow().UtcDateTime;
        c.Replies.Add(new ComplaintReply { From = ReplyFrom.Customer, Text = request.Text!.Trim(), At = now });
        c.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return await GetAsync(customerId, complaintNo, ct);
    }

    private Task<bool> OpenOnOrderAsync(long orderId, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        return db.Complaints.AnyAsync(c => c.OrderId == orderId && (c.Status == ComplaintStatus.Pending || c.Status == ComplaintStatus.Processing), ct);
    }
}

public static class CustomerComplaintsApi
{
    private const long FormOverheadBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapCustomerComplaintsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/mp/complaints").WithTags("Mini-program");
        var mine = g.MapGroup("").RequireAuthorization(CustomerAuthApi.CustomerPolicy);
        mine.MapPost("/photos", async Task<Results<Created<PhotoUploaded>, ProblemHttpResult>> (HttpContext http, ComplaintPhotoUploads uploads,
                IOptions<ComplaintOptions> options, CancellationToken ct) =>
            {
                // The server's body limit is raised for this endpoint only: a photo plus the form's own bytes.
                var limit = options.Value.MaxPhotoBytes + FormOverheadBytes;
                if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
                    size.MaxRequestBodySize = limit;
                // Refused before the body is read when the sender says it is too large.
                if (http.Request.ContentLength > limit)
                    return ComplaintPhotoUploads.TooLarge(options.Value.MaxPhotoBytes).ToHttp();
                if (!http.Request.HasFormContentType)
                    return new Problem("complaint-photo-missing", "请选择图片", StatusCodes.Status400BadRequest).ToHttp();
                IFormCollection form;
                try
                {
                    form = await http.Request.ReadFormAsync(ct);
                }
                catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
                {
                    // A chunked body that said nothing of its size until it passed the limit.
                    return ComplaintPhotoUploads.TooLarge(options.Value.MaxPhotoBytes).ToHttp();
                }

                var uploaded = await uploads.UploadAsync(CustomerBearerHandler.CustomerId(http.User), form.Files.GetFile("file"), ct);
                return uploaded.IsSuccess ? TypedResults.Created(uploaded.Value!.Url, uploaded.Value) : uploaded.Problem!.ToHttp();
            })
            .DisableAntiforgery()
            .WithSummary("上传投诉图片（multipart/form-data，字段 file；仅 JPG/PNG，按文件内容判断；默认不超过 5 MB）");
        mine.MapPost("/", async Task<Results<Created<MpComplaint>, ProblemHttpResult>> (MpComplaintRequest body, HttpContext http, CustomerComplaints h,
                CancellationToken ct) =>
            {
                var filed = await h.FileAsync(CustomerBearerHandler.CustomerId(http.User), body, ct);
                return filed.IsSuccess ? TypedResults.Created($"/api/mp/complaints/{filed.Value!.ComplaintNo}", filed.Value) : filed.Problem!.ToHttp();
            })
            .WithSummary("提交投诉：订单号、类型、描述（1–500 字）、最多 4 张已上传的图片；每个订单同时只能有一个处理中的投诉");
        mine.MapGet("/", async Task<Results<Ok<MpComplaintPage>, ProblemHttpResult>> (int? page, int? pageSize, HttpContext http, CustomerComplaints h, CancellationToken ct) =>
                (await h.ListAsync(CustomerBearerHandler.CustomerId(http.User), page, pageSize, ct)).ToHttp())
            .WithSummary("我的投诉（最新在前）");
        mine.MapGet("/{complaintNo}", async Task<Results<Ok<MpComplaint>, ProblemHttpResult>> (string complaintNo, HttpContext http, CustomerComplaints h, CancellationToken ct) =>
                (await h.GetAsync(CustomerBearerHandler.CustomerId(http.User), complaintNo, ct)).ToHttp())
            .WithSummary("投诉详情：状态、图片（限时签名链接）、客服回复");
        mine.MapPost("/{complaintNo}/replies", async Task<Results<Ok<MpComplaint>, ProblemHttpResult>> (string complaintNo, MpReplyRequest body, HttpContext http,
                CustomerComplaints h, CancellationToken ct) => (await h.ReplyAsync(CustomerBearerHandler.CustomerId(http.User), complaintNo, body, ct)).ToHttp())
            .WithSummary("顾客补充说明（投诉处理完毕后不可再回复）");
        // No bearer token: an <image src> cannot send one. The signature in the link is the permission.
        g.MapGet("/photos/{photoId}", async Task<Results<FileContentHttpResult, ProblemHttpResult>> (string photoId, [FromQuery] string? exp, [FromQuery] string? sig,
                ComplaintPhotoUploads uploads, CancellationToken ct) =>
                await uploads.ReadAsync(photoId, exp, sig, ct) is { } photo
                    ? TypedResults.File(photo.Content, photo.ContentType)
                    : Problem.NotFound("图片").ToHttp())
            .WithSummary("投诉图片（限时签名链接，无需令牌）");
        return app;
    }
}
