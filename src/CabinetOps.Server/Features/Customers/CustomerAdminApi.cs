using CabinetOps.Server.Features.Staff;
using CabinetOps.Server.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CabinetOps.Server.Features.Customers;

public static class CustomerAdminApi
{
    public static IEndpointRouteBuilder MapCustomerAdminApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/admin/customers").WithTags("Customers").RequireAuthorization(Permissions.CustomersView);
        g.MapGet("/", (string? phone, bool? blocked, int? page, int? pageSize, CustomerAdminHandlers h, CancellationToken ct) =>
            h.ListAsync(phone, blocked, page ?? 1, pageSize ?? 20, ct)).WithSummary("用户列表（phone 为完整手机号，精确查找）");
        g.MapGet("/{id:int}", async Task<Results<Ok<CustomerDetail>, ProblemHttpResult>> (int id, int? ledgerPage, int? ledgerPageSize, CustomerAdminHandlers h, CancellationToken ct) =>
            (await h.GetAsync(id, ledgerPage ?? 1, ledgerPageSize ?? 20, ct)).ToHttp()).WithSummary("用户详情与礼票流水");
        g.MapPost("/{id:int}/tickets", async Task<Results<Ok<CustomerDetail>, ProblemHttpResult>> (int id, AdjustTicketsRequest body, HttpContext http, CustomerAdminHandlers h, CancellationToken ct) =>
            (await h.AdjustTicketsAsync(StaffApi.Actor(http), id, body.Amount!.Value, body.Reason, ct)).ToHttp())
            .RequireAuthorization(Permissions.TicketsAdjust).WithSummary("发放（正数）或扣减（负数）礼票");
        g.MapPost("/{id:int}/block", async Task<Results<Ok<CustomerDetail>, ProblemHttpResult>> (int id, BlockCustomerRequest body, HttpContext http, CustomerAdminHandlers h, CancellationToken ct) =>
            (await h.SetBlockedAsync(StaffApi.Actor(http), id, body.Blocked, body.Reason, ct)).ToHttp())
            .RequireAuthorization(Permissions.CustomersBlock).WithSummary("拉黑或解除拉黑");
        return app;
    }
}
