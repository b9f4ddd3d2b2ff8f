using CabinetOps.Server.Features.Staff;
using CabinetOps.Server.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CabinetOps.Server.Features.ManualWork;

public static class ManualWorkApi
{
    public static IEndpointRouteBuilder MapManualWorkApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/admin/manual-work").WithTags("Manual work").RequireAuthorization(Permissions.ManualWorkView);
        g.MapGet("/", (int? page, int? pageSize, bool? includeResolved, ManualWorkQueue q, CancellationToken ct) =>
            q.ListAsync(page ?? 1, pageSize ?? 20, includeResolved ?? false, ct)).WithSummary("人工处理队列");
        g.MapPost("/{id:guid}/retry", async Task<Results<Ok<ManualWorkItem>, ProblemHttpResult>> (Guid id, HttpContext http, ManualWorkQueue q, CancellationToken ct) =>
            (await q.RetryAsync(StaffApi.Actor(http), id, ct)).ToHttp()).RequireAuthorization(Permissions.ManualWorkManage).WithSummary("立即重试");
        g.MapPost("/{id:guid}/resolve", async Task<Results<Ok<ManualWorkItem>, ProblemHttpResult>> (Guid id, ResolveManualWorkRequest? body, HttpContext http, ManualWorkQueue q, CancellationToken ct) =>
            (await q.ResolveAsync(StaffApi.Actor(http), id, body?.Note, ct)).ToHttp()).RequireAuthorization(Permissions.ManualWorkManage).WithSummary("标记已处理");
        return app;
    }
}
