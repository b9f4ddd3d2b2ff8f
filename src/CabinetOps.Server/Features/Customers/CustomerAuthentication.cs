using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CabinetOps.Server.Features.Customers;

/// <summary>Section <c>MiniProgram</c>.</summary>
public sealed class MiniProgramOptions
{
    public const string Section = "MiniProgram";

    /// <summary>Lifetime of the bearer token the mini-program gets after login (short-lived, DESIGN §8).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(2);
}

/// <summary>
/// Bearer authentication for <c>/api/mp/*</c>: the token is looked up by its SHA-256 in
/// <c>customer_sessions</c>, so any node can check it and a session can be revoked.
/// </summary>
public sealed class CustomerBearerHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, CabinetOpsDbContext db, TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "MiniProgram";

    /// <summary>Every mini-program request runs this first: compiled once, not translated per request.</summary>
    private static readonly CompiledQuery<Func<CabinetOpsDbContext, string, DateTime, CancellationToken, Task<int?>>> CustomerOfToken =
        new(() => EF.CompileAsyncQuery((CabinetOpsDbContext db, string hash, DateTime now, CancellationToken _) =>
            db.CustomerSessions.Where(s => s.TokenHash == hash && s.ExpiresAt > now).Select(s => (int?)s.CustomerId).FirstOrDefault()));
    public const string CustomerIdClaim = "customer_id";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();
        var hash = HashToken(header["Bearer ".Length..].Trim());
        var now = clock.GetUtcNow().UtcDateTime;
        var customerId = await CustomerOfToken.For(db)(db, hash, now, Context.RequestAborted);
        if (customerId is null)
            return AuthenticateResult.Fail("invalid or expired token");
        var identity = new ClaimsIdentity([new Claim(CustomerIdClaim, customerId.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        await Context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = 401, Title = "登录已失效，请重新登录", Type = Problem.TypeBase + "unauthenticated" },
        });
    }

    public static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static int CustomerId(ClaimsPrincipal user) => int.Parse(user.FindFirstValue(CustomerIdClaim)!, System.Globalization.CultureInfo.InvariantCulture);
}
