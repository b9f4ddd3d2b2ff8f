using System.Globalization;
using System.Text.Json;
using CabinetOps.Server.Features.Customers;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Persistence;
using CabinetOps.Server.Infrastructure.Time;
using CabinetOps.Server.Integrations.WechatPay;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CabinetOps.Server.Features.PayScore;

/// <summary>What the mini-program passes to <c>wx.openBusinessView</c> to open WeChat's authorisation page (payscore.md §3.5).</summary>
public sealed record PayScoreAuthorizationPage(string BusinessType, IReadOnlyDictionary<string, string> ExtraData);

public sealed record PayScoreStateView(PayScoreAuthorization State, string Label, DateTime? At);

/// <summary>
/// The customer's Pay Score authorisation, held locally so the precheck reads only our database
/// (DESIGN §4): learnt from <c>PAYSCORE.USER_OPEN_SERVICE</c> / <c>USER_CLOSE_SERVICE</c> and from a
/// query when the customer returns from WeChat's page. A newer event wins; a query overrules both.
/// </summary>
public sealed class PayScoreAuthorizations(CabinetOpsDbContext db, WechatPayClient wechatPay, TimeProvider clock, ILogger<PayScoreAuthorizations> logger)
    : IWechatPayEventProcessor
{
    public IReadOnlyCollection<string> EventTypes { get; } = ["PAYSCORE.USER_OPEN_SERVICE", "PAYSCORE.USER_CLOSE_SERVICE"];

    public async Task<string?> ProcessAsync(string eventType, JsonElement resource, CancellationToken ct)
    {
        var openId = resource.TryGetProperty("openid", out var o) ? o.GetString() : null;
        var customer = openId is null ? null : await db.Customers.FirstOrDefaultAsync(c => c.OpenId == openId, ct);
        if (customer is null)
            return "通知中的用户不存在";
        var at = resource.TryGetProperty("openorclose_time", out var t) && DateTime.TryParseExact(t.GetString(), "yyyyMMddHHmmss", CultureInfo.InvariantCulture,
            DateTimeStyles.None, out var local) ? ShanghaiTime.ToUtc(local) : clock.GetUtcNow().UtcDateTime;
        // Strictly older only: the times have one-second precision, and of two events in one second the later arrival is taken.
        if (customer.PayScoreStateAt is { } held && held > at)
        {
            logger.LogInformation("Pay Score {EventType} for customer {CustomerId} is not newer than the state held; no change", eventType, customer.Id);
            return null;
        }

        customer.PayScoreState = eventType == "PAYSCORE.USER_OPEN_SERVICE" ? PayScoreAuthorization.Authorized : PayScoreAuthorization.Revoked;
        customer.PayScoreStateAt = at;
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Asks WeChat for a token for the authorisation page; the authorisation code is ours, one per attempt.</summary>
    public async Task<Result<PayScoreAuthorizationPage>> StartAsync(int customerId, CancellationToken ct)
    {
        var code = $"C{customerId}T{clock.GetUtcNow().ToUnixTimeMilliseconds()}";
        var answer = await wechatPay.ApplyPermissionsAsync(code, ct);
        if (!answer.Ok || answer.Data?.ApplyPermissionsToken is not { Length: > 0 } token)
            return new Problem("payscore-unavailable", "微信支付分暂时无法开通，请稍后再试或使用礼票", StatusCodes.Status503ServiceUnavailable, answer.ErrorCode);
        return new PayScoreAuthorizationPage("wxpayScoreEnable", new Dictionary<string, string> { ["apply_permissions_token"] = token });
    }

    /// <summary>The customer is back from WeChat's page: ask WeChat (the answer overrules any notification).</summary>
    public async Task<Result<PayScoreStateView>> RefreshAsync(int customerId, CancellationToken ct)
    {
        var customer = await db.Customers.SingleAsync(c => c.Id == customerId, ct);
        var answer = await wechatPay.QueryPermissionAsync(customer.OpenId, ct);
        if (!answer.Ok)
            return new Problem("payscore-unavailable", "暂时无法查询微信支付分状态，请稍后再试", StatusCodes.Status503ServiceUnavailable, answer.ErrorCode);
        customer.PayScoreState = answer.Data?.AuthorizationState switch
        {
            "AVAILABLE" => PayScoreAuthorization.Authorized,
            "UNAVAILABLE" => PayScoreAuthorization.Revoked,
            _ => PayScoreAuthorization.Unknown,
        };
        // Whole seconds, like the notifications' openorclose_time: a notification of the same second still applies.
        var now = clock.GetUtcNow().UtcDateTime;
        customer.PayScoreStateAt = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        await db.SaveChangesAsync(ct);
        return new PayScoreStateView(customer.PayScoreState, customer.PayScoreState.Label(), customer.PayScoreStateAt);
    }
}

public static class PayScoreApi
{
    public static IEndpointRouteBuilder MapPayScoreApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/mp/payscore").WithTags("Mini-program").RequireAuthorization(CustomerAuthApi.CustomerPolicy);
        g.MapPost("/authorization", async Task<Results<Ok<PayScoreAuthorizationPage>, ProblemHttpResult>> (HttpContext http, PayScoreAuthorizations h, CancellationToken ct) =>
                (await h.StartAsync(CustomerBearerHandler.CustomerId(http.User), ct)).ToHttp())
            .RequireRateLimit("mp-payscore", o => o.PrecheckPerMinute)
            .WithSummary("开通微信支付分：返回 wx.openBusinessView 的 businessType 与 extraData");
        g.MapPost("/authorization/refresh", async Task<Results<Ok<PayScoreStateView>, ProblemHttpResult>> (HttpContext http, PayScoreAuthorizations h, CancellationToken ct) =>
                (await h.RefreshAsync(CustomerBearerHandler.CustomerId(http.User), ct)).ToHttp())
            .RequireRateLimit("mp-payscore-refresh", o => o.PrecheckPerMinute)
            .WithSummary("从微信查询并更新支付分授权状态（从授权页返回时调用）");
        return app;
    }
}
