using System.Globalization;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CabinetOps.Server.Infrastructure.Http;

/// <summary>One fixed window of one rate-limit partition (e.g. "mp-login" from one IP).</summary>
public sealed class RateLimitCounter
{
    public required string Key { get; set; }
    public DateTime WindowStart { get; set; }
    public int Count { get; set; }
}

internal sealed class RateLimitCounterConfiguration : IEntityTypeConfiguration<RateLimitCounter>
{
    public void Configure(EntityTypeBuilder<RateLimitCounter> b)
    {
        b.ToTable("rate_limit_counters");
        b.HasKey(x => new { x.Key, x.WindowStart });
        b.Property(x => x.Key).HasMaxLength(200);
    }
}

/// <summary>Section <c>RateLimits</c>: requests per minute per partition (DESIGN §8).</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    public int StaffSignInPerMinute { get; set; } = 20;
    public int CustomerLoginPerMinute { get; set; } = 30;
    public int PhoneBindingPerMinute { get; set; } = 5;
    public int PrecheckPerMinute { get; set; } = 60;
    public int OpenPerMinute { get; set; } = 20;

    /// <summary>New opens per cabinet per minute, whoever asks: a cabinet serves one customer at a time.</summary>
    public int DeviceOpenPerMinute { get; set; } = 10;
}

/// <summary>One rate-limit partition of a request: its key, its limit per window, and the refusal the customer reads.</summary>
public sealed record RateLimitPartition(string Key, int Limit, string Refusal = "请求过于频繁，请稍后再试");

/// <summary>
/// Fixed-window counters kept in the database, so every node behind the load balancer counts the
/// same requests (no limiter state in process memory). One atomic upsert per request; the syntax
/// (INSERT … ON CONFLICT … RETURNING) is the same on SQLite and PostgreSQL. On PostgreSQL the table is
/// UNLOGGED (migration RateLimitCountersUnlogged): the upsert does not wait for a WAL flush. Past
/// windows are removed by a housekeeping job (<see cref="PurgePastWindowsAsync"/>), not by the
/// requests: a request issues exactly one statement.
/// </summary>
public sealed class DbRateLimiter(CabinetOpsDbContext db, TimeProvider clock)
{
    /// <summary>Every window is a minute; a counter older than this can no longer be counted into.</summary>
    private static readonly TimeSpan Kept = TimeSpan.FromMinutes(10);

    public async Task<(bool Allowed, TimeSpan RetryAfter)> TryAcquireAsync(string partition, int limit, TimeSpan window, CancellationToken ct)
    {
        var (exceeded, retryAfter) = await TryAcquireAsync([new RateLimitPartition(partition, limit)], window, ct);
        return (exceeded is null, retryAfter);
    }

    /// <summary>
    /// Counts one request against every partition in one statement (the open counts the customer and
    /// the cabinet); returns the first partition over its limit, if any. Each counter comes back tagged
    /// with its partition's position (<c>count × n + position</c>): one scalar column reads the same
    /// on both providers.
    /// </summary>
    public async Task<(RateLimitPartition? Exceeded, TimeSpan RetryAfter)> TryAcquireAsync(IReadOnlyList<RateLimitPartition> partitions, TimeSpan window,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var start = new DateTime(now.Ticks - now.Ticks % window.Ticks, DateTimeKind.Utc);
        var n = partitions.Count;
        object[] args = [start, .. partitions.Select(p => (object)p.Key)];
        var values = string.Join(", ", Enumerable.Range(1, n).Select(i => $"({{{i}}}, {{0}}, 1)"));
        var positions = string.Join(" ", Enumerable.Range(1, n).Select(i => $"WHEN {{{i}}} THEN {i - 1}"));
        // Only placeholders are composed here; the keys and the window go in as parameters.
        var sql = $"""
            INSERT INTO rate_limit_counters (key, window_start, count) VALUES {values}
            ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limit_counters.count + 1
            RETURNING count * {n} + CASE key {positions} END AS "Value"
            """;
        var tagged = await db.Database.SqlQueryRaw<int>(sql, args).ToListAsync(ct);
        var exceeded = tagged.Select(t => (Position: t % n, Count: t / n)).Where(c => c.Count > partitions[c.Position].Limit)
            .OrderBy(c => c.Position).Select(c => partitions[c.Position]).FirstOrDefault();
        return (exceeded, start + window - now);
    }

    /// <summary>Removes the counters of windows long past (a housekeeping job; the limits do not depend on it).</summary>
    public Task<int> PurgePastWindowsAsync(CancellationToken ct)
    {
        var before = clock.GetUtcNow().UtcDateTime - Kept;
        return db.Set<RateLimitCounter>().Where(c => c.WindowStart < before).ExecuteDeleteAsync(ct);
    }
}

public static class RateLimitEndpoints
{
    /// <summary>
    /// Limits an endpoint to <paramref name="perMinute"/> requests per minute per client, where the
    /// client is the signed-in customer when there is one and the remote IP otherwise.
    /// <paramref name="alsoPer"/>: a second partition read from the request (the open's cabinet),
    /// counted in the same statement.
    /// </summary>
    public static TBuilder RequireRateLimit<TBuilder>(this TBuilder builder, string policy, Func<RateLimitOptions, int> perMinute,
        Func<EndpointFilterInvocationContext, RateLimitOptions, RateLimitPartition?>? alsoPer = null)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter(async (ctx, next) =>
        {
            var http = ctx.HttpContext;
            var options = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<RateLimitOptions>>().Value;
            var who = http.User.FindFirst("customer_id")?.Value is { } customer ? "c:" + customer : "ip:" + http.Connection.RemoteIpAddress;
            List<RateLimitPartition> partitions = [new($"{policy}|{who}", perMinute(options))];
            if (alsoPer?.Invoke(ctx, options) is { } also)
                partitions.Add(also);
            var limiter = http.RequestServices.GetRequiredService<DbRateLimiter>();
            var (exceeded, retryAfter) = await limiter.TryAcquireAsync(partitions, TimeSpan.FromMinutes(1), http.RequestAborted);
            if (exceeded is null)
                return await next(ctx);
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return new Problem("rate-limited", exceeded.Refusal, StatusCodes.Status429TooManyRequests).ToHttp();
        });
        return builder;
    }
}
