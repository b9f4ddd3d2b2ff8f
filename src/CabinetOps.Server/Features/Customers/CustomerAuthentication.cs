using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Memory;
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
/// <c>customer_sessions</c>, so any node can check it and a session can be revoked. A node remembers
/// an answer for <see cref="CustomerTokenCache.Lifetime"/> (every scan, open and poll of a customer
/// would otherwise look it up again): a revoked session stops working within that time.
/// </summary>
public sealed class CustomerBearerHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, CabinetOpsDbContext db, CustomerTokenCache cache, TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "MiniProgram";
    public const string CustomerIdClaim = "customer_id";

    private static readonly CompiledQuery<Func<CabinetOpsDbContext, string, DateTime, CancellationToken, Task<TokenOwner?>>> OwnerOfToken =
        new(() => EF.CompileAsyncQuery((CabinetOpsDbContext db, string hash, DateTime now, CancellationToken _) =>
            db.CustomerSessions.Where(s => s.TokenHash == hash && s.ExpiresAt > now).Select(s => new TokenOwner(s.CustomerId, s.ExpiresAt)).FirstOrDefault()));

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();
        var hash = HashToken(header["Bearer ".Length..].Trim());
        var now = clock.GetUtcNow().UtcDateTime;
        var customerId = cache.Find(hash, now);
        if (customerId is null && await OwnerOfToken.For(db)(db, hash, now, Context.RequestAborted) is { } owner)
        {
            cache.Remember(hash, owner, now);
            customerId = owner.CustomerId;
        }

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

/// <summary>Whose a token is, and until when.</summary>
public sealed record TokenOwner(int CustomerId, DateTime ExpiresAt);

/// <summary>
/// The node's short memory of valid customer tokens (by hash). Only a lookup's answer is kept, never
/// for longer than <see cref="Lifetime"/> or past the token's own expiry, and for a bounded number of
/// tokens; nothing another node needs lives here.
/// </summary>
public sealed class CustomerTokenCache : IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = 20_000 });

    public int? Find(string tokenHash, DateTime now) =>
        cache.TryGetValue(tokenHash, out TokenOwner? owner) && owner!.ExpiresAt > now ? owner.CustomerId : null;

    public void Remember(string tokenHash, TokenOwner owner, DateTime now)
    {
        var until = owner.ExpiresAt - now < Lifetime ? owner.ExpiresAt - now : Lifetime;
        if (until > TimeSpan.Zero)
            cache.Set(tokenHash, owner, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = until });
    }

    public void Dispose() => cache.Dispose();
}
