using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Messaging;
using CabinetOps.Server.Infrastructure.Persistence;
using CabinetOps.Server.Infrastructure.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CabinetOps.Server.Integrations.Xiaomai;

/// <summary>Durable work: apply one stored Xiaomai push (retried 15/30/60 s, then manual).</summary>
public sealed record XiaomaiEventReceived(string EventId, string EventType) : IExternalWork
{
    public string Describe() => $"处理小麦推送 {EventType}（{EventId}）";
}

/// <summary>
/// Store and apply a new push in one transaction, inside the webhook's request (the common case:
/// one commit, no queue round trip). If it fails, the webhook stores the push with a
/// <see cref="XiaomaiEventReceived"/> instead, which retries it as durable work.
/// </summary>
public sealed record ApplyXiaomaiPush(InboundMessage Row);

/// <summary>Applies the stored pushes of one event type (device status, door events, orders…).</summary>
public interface IXiaomaiEventProcessor
{
    IReadOnlyCollection<string> EventTypes { get; }

    /// <summary>Applies the push; returns null when applied, or why it was ignored (goes to review).</summary>
    Task<string?> ProcessAsync(XiaomaiPush push, CancellationToken ct);
}

/// <summary>
/// <c>POST /webhooks/xiaomai</c>, the one entry of every vendor push (xiaomai.md §2.9–2.10):
/// rate limit, signature checks (§2.4, nothing parsed before them), envelope, then the push is
/// stored with its processing work in one transaction and only then acknowledged. A repeated
/// <c>event_id</c> is acknowledged with <c>duplicate: true</c> and changes nothing.
/// </summary>
public static partial class XiaomaiWebhook
{
    public const string Source = "xiaomai";

    public static IEndpointRouteBuilder MapXiaomaiWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/xiaomai", ReceiveAsync)
            .WithTags("Webhooks")
            .WithSummary("小麦推送入口（签名见 docs/integrations/xiaomai.md）")
            .WithMetadata(new RequestSizeLimitAttribute(SignedRequestVerifier.MaxBodyBytes + 1))
            .Produces<XiaomaiAck>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .AllowAnonymous();
        return app;
    }

    public sealed record XiaomaiAck(string Code, string Message, string EventId, bool Duplicate);

    private static async Task<IResult> ReceiveAsync(HttpContext http, IOptions<XiaomaiOptions> options, DbRateLimiter limiter, SignedRequestVerifier verifier,
        SecurityEventLog security, UnitOfWork work, Wolverine.IMessageBus bus, TimeProvider clock, ILoggerFactory loggers, CancellationToken ct)
    {
        var o = options.Value;
        var (allowed, retryAfter) = await limiter.TryAcquireAsync("xiaomai-webhook", o.WebhookPerMinute, TimeSpan.FromMinutes(1), ct);
        if (!allowed)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Fail(StatusCodes.Status429TooManyRequests, "RATE_LIMITED", "too many pushes");
        }

        var sender = new SignedSender(HmacScheme.Xiaomai, Source, o.AppId, o.InboundSecrets, o.WebhookPath);
        var verified = await verifier.VerifyAsync(http.Request, sender, ct);
        if (!verified.Ok)
        {
            if (verified.Status == StatusCodes.Status401Unauthorized)
                await security.RecordAsync(Source, verified.FailureCode!, http.Connection.RemoteIpAddress?.ToString(), verified.Detail, ct);
            return Fail(verified.Status, verified.FailureCode!, verified.Detail!);
        }

        XiaomaiPush? push;
        try
        {
            push = JsonSerializer.Deserialize<XiaomaiPush>(verified.Body, XiaomaiJson.Options);
        }
        catch (JsonException)
        {
            return Fail(StatusCodes.Status400BadRequest, "INVALID_PAYLOAD", "body is not JSON");
        }

        if (push is null || string.IsNullOrEmpty(push.EventId) || string.IsNullOrEmpty(push.EventType) || push.OccurredAt is null
            || push.Data is not { ValueKind: JsonValueKind.Object })
            return Fail(StatusCodes.Status400BadRequest, "INVALID_PAYLOAD", "event_id, event_type, occurred_at and data are required");
        if (!EventIdFormat().IsMatch(push.EventId) || push.EventType.Length > 60)
            return Fail(StatusCodes.Status400BadRequest, "INVALID_PAYLOAD", "malformed event_id or event_type");

        if (await work.Db.IsStoredAsync(Source, push.EventId, ct))
            return Ack(push.EventId, duplicate: true);

        var logger = loggers.CreateLogger(typeof(XiaomaiWebhook));
        var row = new InboundMessage
        {
            Source = Source,
            MessageId = push.EventId,
            MessageType = push.EventType,
            ReceivedAt = clock.GetUtcNow().UtcDateTime,
            Body = Encoding.UTF8.GetString(verified.Body!),
        };
        if (!await InboundIntake.AcceptAsync(row, new ApplyXiaomaiPush(row), new XiaomaiEventReceived(push.EventId, push.EventType), work, bus, http.RequestServices, logger))
            return Ack(push.EventId, duplicate: true);
        logger.LogInformation("Took in Xiaomai push {EventType} {EventId}", push.EventType, push.EventId);
        return Ack(push.EventId, duplicate: false);
    }

    /// <summary>The contract's acknowledgement, in its snake_case (<c>event_id</c>).</summary>
    private static IResult Ack(string eventId, bool duplicate) => TypedResults.Json(new XiaomaiAck("OK", "received", eventId, duplicate), XiaomaiJson.Options);

    /// <summary>Failure answers are problem+json with the contract's code as a <c>code</c> member (§2.10).</summary>
    private static IResult Fail(int status, string code, string detail) =>
        TypedResults.Problem(statusCode: status, detail: detail, type: Problem.TypeBase + code.ToLowerInvariant(), extensions: new Dictionary<string, object?> { ["code"] = code },
            title: status switch
            {
                StatusCodes.Status401Unauthorized => "签名校验失败",
                StatusCodes.Status413PayloadTooLarge => "推送内容超过 1 MiB",
                StatusCodes.Status429TooManyRequests => "推送过于频繁，请稍后重试",
                _ => "推送格式错误",
            });

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex EventIdFormat();
}

/// <summary>Hands a push to the processor of its type and records the outcome on its stored row.</summary>
internal static class XiaomaiPushes
{
    public static async Task ApplyAsync(InboundMessage stored, XiaomaiPush push, IEnumerable<IXiaomaiEventProcessor> processors, TimeProvider clock, ILogger logger,
        CancellationToken ct)
    {
        var processor = processors.FirstOrDefault(p => p.EventTypes.Contains(stored.MessageType));
        // Unknown event types are stored and acknowledged, and nothing acts on them (§2.3).
        var ignored = processor is null ? "没有处理此类推送的功能" : await processor.ProcessAsync(push, ct);
        stored.Status = ignored is null ? InboundMessageStatus.Processed : InboundMessageStatus.Ignored;
        stored.Error = ignored;
        stored.ProcessedAt = clock.GetUtcNow().UtcDateTime;
        if (ignored is not null)
            logger.LogWarning("Xiaomai push {EventType} {EventId} ignored: {Reason}", stored.MessageType, stored.MessageId, ignored);
    }
}

/// <summary>Handles <see cref="ApplyXiaomaiPush"/>: the push's row and everything it changes commit together, or nothing does.</summary>
public static class ApplyXiaomaiPushHandler
{
    public static async Task Handle(ApplyXiaomaiPush message, CabinetOpsDbContext db, IEnumerable<IXiaomaiEventProcessor> processors, TimeProvider clock,
        ILogger<ApplyXiaomaiPush> logger, CancellationToken ct)
    {
        var stored = message.Row.AsReceived();
        var push = JsonSerializer.Deserialize<XiaomaiPush>(stored.Body, XiaomaiJson.Options)!;
        await XiaomaiPushes.ApplyAsync(stored, push, processors, clock, logger, ct);
        // Added once the outcome is known: one INSERT, not an INSERT flushed by the processor's first save and an UPDATE after.
        // A parallel delivery of the same push still fails on the row's unique key, and its whole transaction with it.
        db.InboundMessages.Add(stored);
        await db.SaveChangesAsync(ct);
    }
}

/// <summary>Handles <see cref="XiaomaiEventReceived"/>: applies a push stored for durable processing.</summary>
public static class XiaomaiEventReceivedHandler
{
    public static async Task Handle(XiaomaiEventReceived message, CabinetOpsDbContext db, IEnumerable<IXiaomaiEventProcessor> processors, TimeProvider clock,
        ILogger<XiaomaiEventReceived> logger, CancellationToken ct)
    {
        var stored = await db.InboundMessages.SingleAsync(m => m.Source == XiaomaiWebhook.Source && m.MessageId == message.EventId, ct);
        if (stored.Status is InboundMessageStatus.Processed or InboundMessageStatus.Ignored)
            return;
        var push = JsonSerializer.Deserialize<XiaomaiPush>(stored.Body, XiaomaiJson.Options)!;
        await XiaomaiPushes.ApplyAsync(stored, push, processors, clock, logger, ct);
        await db.SaveChangesAsync(ct);
    }
}
