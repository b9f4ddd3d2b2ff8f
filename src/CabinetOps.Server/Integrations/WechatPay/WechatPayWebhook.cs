using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Messaging;
using CabinetOps.Server.Infrastructure.Persistence;
using CabinetOps.Server.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CabinetOps.Server.Integrations.WechatPay;

/// <summary>The notification envelope (wechatpay-v3.md §6.2).</summary>
public sealed class WechatPayNotification
{
    public string? Id { get; set; }
    public string? CreateTime { get; set; }
    public string? EventType { get; set; }
    public string? ResourceType { get; set; }
    public WechatPayResource? Resource { get; set; }
}

public sealed class WechatPayResource
{
    public string? OriginalType { get; set; }
    public string? Algorithm { get; set; }
    public string? Ciphertext { get; set; }
    public string? AssociatedData { get; set; }
    public string? Nonce { get; set; }
}

/// <summary>Durable work: apply one stored WeChat Pay notification.</summary>
public sealed record WechatPayNotificationReceived(string NotificationId, string EventType) : IExternalWork
{
    public string Describe() => $"处理微信支付通知 {EventType}（{NotificationId}）";
}

/// <summary>Applies the decrypted resource of the notifications of some event types.</summary>
public interface IWechatPayEventProcessor
{
    IReadOnlyCollection<string> EventTypes { get; }

    /// <summary>Returns null when applied, or why it was ignored.</summary>
    Task<string?> ProcessAsync(string eventType, JsonElement resource, CancellationToken ct);
}

/// <summary>
/// <c>POST /webhooks/wechatpay</c>: verify (serial, 300 s window, SHA256withRSA over the raw body)
/// before anything else, decrypt the resource to prove it is ours, store it with its work in one
/// transaction, then answer 204 (§6.4). The same notification id again is answered 204 and changes
/// nothing. Failures answer 4xx with WeChat's <c>{"code":"FAIL"}</c> member, and WeChat retries.
/// </summary>
public static class WechatPayWebhook
{
    public const string Source = "wechatpay";

    public static IEndpointRouteBuilder MapWechatPayWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/wechatpay", ReceiveAsync).WithTags("Webhooks").AllowAnonymous()
            .WithSummary("微信支付回调通知入口（验签、解密后存储，再应答 204）")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }

    private static async Task<IResult> ReceiveAsync(HttpContext http, WechatPayKeys keys, IOptions<WechatPayOptions> options, SecurityEventLog security,
        UnitOfWork work, Wolverine.IMessageBus bus, TimeProvider clock, ILoggerFactory loggers, CancellationToken ct)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(ct);
        string? H(string name) => http.Request.Headers.TryGetValue(name, out var v) ? v.ToString() : null;
        if (!WechatPayVerification.Verify(keys.WechatPayPublicKey, options.Value.PublicKeyId, H("Wechatpay-Serial"), H("Wechatpay-Timestamp"),
                H("Wechatpay-Nonce"), H("Wechatpay-Signature"), body, clock.GetUtcNow()))
        {
            await security.RecordAsync(Source, "SIGNATURE_INVALID", http.Connection.RemoteIpAddress?.ToString(), "notification signature, serial or timestamp refused", ct);
            return Fail(StatusCodes.Status401Unauthorized, "验签失败");
        }

        WechatPayNotification? notification;
        try
        {
            notification = JsonSerializer.Deserialize<WechatPayNotification>(body, WechatPayClient.Json);
        }
        catch (JsonException)
        {
            return Fail(StatusCodes.Status400BadRequest, "通知格式错误");
        }

        if (notification is not { Id.Length: > 0 and <= 100, EventType.Length: > 0 and <= 60, Resource: { Ciphertext: not null, Nonce: not null } resource })
            return Fail(StatusCodes.Status400BadRequest, "通知缺少 id、event_type 或 resource");
        try
        {
            WechatPaySignature.DecryptResource(options.Value.ApiV3Key, resource.Nonce, resource.AssociatedData, resource.Ciphertext);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            await security.RecordAsync(Source, "DECRYPT_FAILED", http.Connection.RemoteIpAddress?.ToString(), "resource does not decrypt with our APIv3 key", ct);
            return Fail(StatusCodes.Status400BadRequest, "通知解密失败");
        }

        if (await work.Db.IsStoredAsync(Source, notification.Id, ct))
            return TypedResults.NoContent();
        var row = new InboundMessage
        {
            Source = Source,
            MessageId = notification.Id,
            MessageType = notification.EventType,
            ReceivedAt = clock.GetUtcNow().UtcDateTime,
            Body = body,
        };
        // A duplicate (false) is answered 204 as well: the notification is ours already.
        await InboundIntake.AcceptAsync(row, new ApplyWechatPayNotification(row), new WechatPayNotificationReceived(notification.Id, notification.EventType), work, bus,
            http.RequestServices, loggers.CreateLogger(typeof(WechatPayWebhook)));
        return TypedResults.NoContent();
    }

    private static IResult Fail(int status, string message) =>
        TypedResults.Problem(statusCode: status, title: message, type: Problem.TypeBase + "wechatpay-notification-refused",
            extensions: new Dictionary<string, object?> { ["code"] = "FAIL", ["message"] = message });
}

/// <summary>Decrypts a stored notification's resource and hands it to the processor of its type, recording the outcome on its row.</summary>
internal static class WechatPayNotifications
{
    public static async Task ApplyAsync(InboundMessage stored, IEnumerable<IWechatPayEventProcessor> processors, WechatPayOptions options, TimeProvider clock,
        ILogger logger, CancellationToken ct)
    {
        var notification = JsonSerializer.Deserialize<WechatPayNotification>(stored.Body, WechatPayClient.Json)!;
        var r = notification.Resource!;
        using var resource = JsonDocument.Parse(WechatPaySignature.DecryptResource(options.ApiV3Key, r.Nonce!, r.AssociatedData, r.Ciphertext!));
        var processor = processors.FirstOrDefault(p => p.EventTypes.Contains(stored.MessageType));
        var ignored = processor is null ? "没有处理此类通知的功能" : await processor.ProcessAsync(stored.MessageType, resource.RootElement, ct);
        stored.Status = ignored is null ? InboundMessageStatus.Processed : InboundMessageStatus.Ignored;
        stored.Error = ignored;
        stored.ProcessedAt = clock.GetUtcNow().UtcDateTime;
        if (ignored is not null)
            logger.LogWarning("WeChat Pay notification {EventType} {Id} ignored: {Reason}", stored.MessageType, stored.MessageId, ignored);
    }
}

/// <summary>
/// Store and apply a new notification in one transaction, inline in the webhook's request
/// (<see cref="InboundIntake"/>); if that fails it is stored with <see cref="WechatPayNotificationReceived"/>.
/// </summary>
public sealed record ApplyWechatPayNotification(InboundMessage Row);

public static class ApplyWechatPayNotificationHandler
{
    public static async Task Handle(ApplyWechatPayNotification message, CabinetOpsDbContext db, IEnumerable<IWechatPayEventProcessor> processors,
        IOptions<WechatPayOptions> options, TimeProvider clock, ILogger<ApplyWechatPayNotification> logger, CancellationToken ct)
    {
        var stored = message.Row.AsReceived();
        await WechatPayNotifications.ApplyAsync(stored, processors, options.Value, clock, logger, ct);
        // Added with its outcome: one INSERT (see ApplyXiaomaiPushHandler).
        db.InboundMessages.Add(stored);
        await db.SaveChangesAsync(ct);
    }
}

public static class WechatPayNotificationReceivedHandler
{
    public static async Task Handle(WechatPayNotificationReceived message, CabinetOpsDbContext db, IEnumerable<IWechatPayEventProcessor> processors,
        IOptions<WechatPayOptions> options, TimeProvider clock, ILogger<WechatPayNotificationReceived> logger, CancellationToken ct)
    {
        var stored = await db.InboundMessages.SingleAsync(m => m.Source == WechatPayWebhook.Source && m.MessageId == message.NotificationId, ct);
        if (stored.Status is InboundMessageStatus.Processed or InboundMessageStatus.Ignored)
            return;
        await WechatPayNotifications.ApplyAsync(stored, processors, options.Value, clock, logger, ct);
        await db.SaveChangesAsync(ct);
    }
}
