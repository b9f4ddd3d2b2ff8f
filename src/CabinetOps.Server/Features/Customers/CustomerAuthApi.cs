using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Persistence;
using CabinetOps.Server.Infrastructure.Security;
using CabinetOps.Server.Integrations.WechatLogin;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CabinetOps.Server.Features.Customers;

public sealed record MpLoginRequest([property: Required(ErrorMessage = "请提供登录凭证"), StringLength(128, ErrorMessage = "登录凭证格式不正确")] string Code);

public sealed record MpPhoneRequest([property: Required(ErrorMessage = "请提供手机号授权凭证"), StringLength(128, ErrorMessage = "手机号授权凭证格式不正确")] string Code);

public sealed record MeView(bool PhoneBound, string? MaskedPhone, long TicketBalance);

public sealed record MpLoginResponse(string Token, DateTime ExpiresAt, MeView Customer);

/// <summary>
/// Mini-program login (wx.login code → code2Session → our short-lived bearer token) and phone
/// binding (getPhoneNumber code → getuserphonenumber), DESIGN §4 step 2.
/// </summary>
public sealed class CustomerAuthHandlers(
    CabinetOpsDbContext db, WechatLoginClient wechat, WechatAccessTokens tokens, PersonalDataProtector protector,
    IOptions<MiniProgramOptions> options, TimeProvider clock, ILogger<CustomerAuthHandlers> logger)
{
    public async Task<Result<MpLoginResponse>> LoginAsync(string code, CancellationToken ct)
    {
        WechatIdentity identity;
        try
        {
            identity = await wechat.ExchangeCodeAsync(code, ct);
        }
        catch (WechatApiException e)
        {
            logger.LogWarning("WeChat code2Session refused a login code: errcode {ErrCode}", e.ErrCode);
            return WechatProblem(e, "wechat-login-failed", "微信登录失败，请重试");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var customer = await db.Customers.FirstOrDefaultAsync(c => c.OpenId == identity.OpenId, ct);
        if (customer is null)
        {
            customer = new Customer { OpenId = identity.OpenId, UnionId = identity.UnionId, CreateTime = now };
            db.Customers.Add(customer);
        }

        customer.LastLoginAt = now;
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var session = new CustomerSession { TokenHash = CustomerBearerHandler.HashToken(token), CreatedAt = now, ExpiresAt = now + options.Value.TokenLifetime };
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (customer.Id == 0)
        {
            // The same customer logged in on another request at the same moment: use that row.
            db.ChangeTracker.Clear();
            customer = await db.Customers.FirstAsync(c => c.OpenId == identity.OpenId, ct);
        }

        session.CustomerId = customer.Id;
        db.CustomerSessions.Add(session);
        // Expired sessions of this customer are dead weight; drop them as the new one is made.
        await db.CustomerSessions.Where(s => s.CustomerId == customer.Id && s.ExpiresAt <= now).ExecuteDeleteAsync(ct);
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Customer {CustomerId} logged in to the mini-program", customer.Id);
        return new MpLoginResponse(token, session.ExpiresAt, ToMe(customer));
    }

    public async Task<Result<MeView>> MeAsync(int customerId, CancellationToken ct)
    {
        var customer = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == customerId, ct);
        return customer is null ? Problem.NotFound("用户") : ToMe(customer);
    }

    public async Task<Result<MeView>> BindPhoneAsync(int customerId, string code, CancellationToken ct)
    {
        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == customerId, ct);
        if (customer is null)
            return Problem.NotFound("用户");
        WechatPhone phone;
        try
        {
            phone = await tokens.GetPhoneNumberAsync(code, ct);
        }
        catch (WechatApiException e)
        {
            logger.LogWarning("WeChat refused a phone code for customer {CustomerId}: errcode {ErrCode}", customerId, e.ErrCode);
            return WechatProblem(e, "phone-code-invalid", "手机号授权已失效，请重新授权");
        }

        if (!PhoneNumber.IsValid(phone.PurePhoneNumber))
            return new Problem("phone-invalid", "手机号格式不正确", StatusCodes.Status422UnprocessableEntity);
        var normalised = PhoneNumber.Normalise(phone.PurePhoneNumber);
        customer.Phone = protector.Protect(normalised);
        customer.PhoneHash = protector.Hash(PhoneNumber.HashPurpose, normalised);
        customer.PhoneCountryCode = phone.CountryCode;
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Customer {CustomerId} bound phone {MaskedPhone}", customerId, PhoneNumber.Mask(normalised));
        return ToMe(customer);
    }

    private MeView ToMe(Customer c) => new(c.Phone is not null, c.Phone is null ? null : PhoneNumber.Mask(protector.Unprotect(c.Phone)), c.TicketBalance);

    private Problem WechatProblem(WechatApiException e, string code, string title)
    {
        if (e.IsConfigurationError)
        {
            // Retrying cannot help the customer: this is ours to fix, so it is logged as an error.
            logger.LogError("WeChat integration misconfigured or replying unusably: errcode {ErrCode}", e.ErrCode);
            return new Problem("wechat-unavailable", "微信服务暂不可用，请稍后再试或联系门店", StatusCodes.Status503ServiceUnavailable);
        }

        return ProblemFor(e, code, title);
    }

    private static Problem ProblemFor(WechatApiException e, string code, string title) => e.ErrCode switch
    {
        WechatApiException.SystemBusy or WechatApiException.RateLimited or WechatApiException.Unreachable =>
            new Problem("wechat-busy", "微信服务繁忙，请稍后重试", StatusCodes.Status503ServiceUnavailable),
        WechatApiException.HighRiskUser => new Problem("wechat-risk", "该微信账号暂不能使用本服务", StatusCodes.Status403Forbidden),
        _ when code == "wechat-login-failed" => new Problem(code, title, StatusCodes.Status401Unauthorized),
        _ => new Problem(code, title, StatusCodes.Status422UnprocessableEntity),
    };
}

public static class CustomerAuthApi
{
    public static IEndpointRouteBuilder MapCustomerAuthApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/mp").WithTags("Mini-program");
        g.MapPost("/auth/login", async Task<Results<Ok<MpLoginResponse>, ProblemHttpResult>> (MpLoginRequest body, CustomerAuthHandlers h, CancellationToken ct) =>
            (await h.LoginAsync(body.Code, ct)).ToHttp()).RequireRateLimit("mp-login", o => o.CustomerLoginPerMinute).WithSummary("小程序登录：wx.login 的 code 换取访问令牌");

        var me = g.MapGroup("/me").RequireAuthorization(CustomerPolicy);
        me.MapGet("/", async Task<Results<Ok<MeView>, ProblemHttpResult>> (HttpContext http, CustomerAuthHandlers h, CancellationToken ct) =>
            (await h.MeAsync(CustomerBearerHandler.CustomerId(http.User), ct)).ToHttp()).WithSummary("当前顾客");
        me.MapPost("/phone", async Task<Results<Ok<MeView>, ProblemHttpResult>> (MpPhoneRequest body, HttpContext http, CustomerAuthHandlers h, CancellationToken ct) =>
            (await h.BindPhoneAsync(CustomerBearerHandler.CustomerId(http.User), body.Code, ct)).ToHttp()).RequireRateLimit("mp-phone", o => o.PhoneBindingPerMinute).WithSummary("绑定手机号：getPhoneNumber 的 code");
        return app;
    }

    public const string CustomerPolicy = "customer";
}
