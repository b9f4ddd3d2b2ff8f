using CabinetOps.Server.Features.Customers;
using CabinetOps.Server.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CabinetOps.Server.Features.DoorSessions;

public static class DoorSessionsApi
{
    public static IEndpointRouteBuilder MapDoorSessionsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/mp").WithTags("Mini-program").RequireAuthorization(CustomerAuthApi.CustomerPolicy);
        g.MapPost("/precheck", (PrecheckRequest body, HttpContext http, DoorSessionHandlers h, CancellationToken ct) =>
                h.PrecheckAsync(CustomerBearerHandler.CustomerId(http.User), body.DeviceCode, ct))
            .RequireRateLimit("mp-precheck", o => o.PrecheckPerMinute)
            .WithSummary("开门前检查：设备、顾客、未支付订单、可用的支付方式（拒绝时给出 code 与中文原因）");
        g.MapGet("/stores/{storeCode}/cabinets", async Task<Results<Ok<StoreCabinetsView>, ProblemHttpResult>> (string storeCode, DoorSessionHandlers h, CancellationToken ct) =>
                (await h.StoreCabinetsAsync(storeCode, ct)).ToHttp())
            .WithSummary("门店码：列出门店的柜子及能否使用");
        g.MapPost("/sessions", async Task<AnswerFirst<Results<Ok<DoorSessionView>, ProblemHttpResult>>> (OpenSessionRequest body, HttpContext http,
                DoorSessionHandlers h, CancellationToken ct) =>
            {
                // The customer has the answer before the vendor's answer is committed (OpenAnswer.Record).
                var opened = await h.OpenAsync(CustomerBearerHandler.CustomerId(http.User), body, ct);
                return new(opened.Answer.ToHttp(), opened.Record);
            })
            // Per customer, and per cabinet whoever asks, in one statement.
            .RequireRateLimit("mp-open", o => o.OpenPerMinute, (ctx, o) => ctx.Arguments.OfType<OpenSessionRequest>().FirstOrDefault() is { DeviceCode: { } device }
                ? new RateLimitPartition($"mp-open-device|{device}", o.DeviceOpenPerMinute, "该柜子开门请求过于频繁，请稍后再试")
                : null)
            .WithSummary("开门（幂等：同一 idempotencyKey 只开一次门，返回同一会话）");
        g.MapGet("/sessions/{sessionNo}", async Task<Results<Ok<DoorSessionView>, ProblemHttpResult>> (string sessionNo, HttpContext http, DoorSessionHandlers h, CancellationToken ct) =>
                (await h.GetAsync(CustomerBearerHandler.CustomerId(http.User), sessionNo, ct)).ToHttp())
            .WithSummary("开门会话的当前状态（小程序轮询）");
        g.MapPost("/sessions/{sessionNo}/payscore-confirmed", async Task<Results<Ok<DoorSessionView>, ProblemHttpResult>> (string sessionNo, HttpContext http,
                DoorSessionHandlers h, CancellationToken ct) => (await h.PayScoreConfirmedAsync(CustomerBearerHandler.CustomerId(http.User), sessionNo, ct)).ToHttp())
            .WithSummary("需确认模式：顾客从微信支付分确认页返回后调用，服务器向微信查询，订单生效即开门");
        return app;
    }
}
