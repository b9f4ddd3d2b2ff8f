using System.Text.Json;
using System.Text.Json.Serialization;

namespace CabinetOps.Server.Integrations.Xiaomai;

/// <summary>JSON as the contract writes it: snake_case, nulls sent (xiaomai.md §2.3).</summary>
public static class XiaomaiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}

/// <summary>The response envelope of every vendor call (§2.5).</summary>
public sealed class XiaomaiEnvelope<T>
{
    public string? Code { get; set; }
    public string? Message { get; set; }
    public string? RequestId { get; set; }
    public bool? Retryable { get; set; }
    public T? Data { get; set; }
}

/// <summary>The Device resource (§2.6).</summary>
public sealed class XiaomaiDevice
{
    public string DeviceCode { get; set; } = "";
    public string? Model { get; set; }
    public string? SerialNo { get; set; }
    public bool Enabled { get; set; }
    public string? StoreCode { get; set; }
    public DateTimeOffset? BoundAt { get; set; }
    public bool Online { get; set; }
    public DateTimeOffset? LastHeartbeatAt { get; set; }
    public long StatusVersion { get; set; }
    public List<XiaomaiDoor> Doors { get; set; } = [];
    public string? ActiveSessionId { get; set; }
    public bool CamerasOk { get; set; }
    public string? FirmwareVersion { get; set; }
}

public sealed class XiaomaiDoor
{
    public int DoorNo { get; set; }
    public string? State { get; set; }
}

public sealed class XiaomaiPage<T>
{
    public List<T> Items { get; set; } = [];
    public int Page { get; set; }
    public int PageSize { get; set; }
    public int Total { get; set; }
}

public sealed record XiaomaiBindRequest(string StoreCode, string? StoreName, string? Address);

/// <summary>The push envelope (§2.9); <c>data</c> stays raw until its type is known.</summary>
public sealed class XiaomaiPush
{
    public string? EventId { get; set; }
    public string? EventType { get; set; }
    public DateTimeOffset? OccurredAt { get; set; }
    public JsonElement? Data { get; set; }
}

/// <summary><c>device.online</c> / <c>device.offline</c> data.</summary>
public sealed class XiaomaiDeviceStatusData
{
    public string? DeviceCode { get; set; }
    public string? StoreCode { get; set; }
    public bool? Online { get; set; }
    public long? StatusVersion { get; set; }
    public DateTimeOffset? ChangedAt { get; set; }
    public DateTimeOffset? LastHeartbeatAt { get; set; }
    public string? Reason { get; set; }
}

/// <summary>Open the door (§2.7.5); <c>session_id</c> is our idempotency key.</summary>
public sealed record XiaomaiOpenRequest(string SessionId, string CustomerRef, int DoorNo, int UnlockWindowS, string? Attach);

public sealed class XiaomaiOpenResult
{
    public string SessionId { get; set; } = "";
    public string? WheatOrderNo { get; set; }
    public string? Status { get; set; }
    public bool LockReleased { get; set; }
    public DateTimeOffset? RequestedAt { get; set; }
    public DateTimeOffset? UnlockExpiresAt { get; set; }
    public bool IdempotentReplay { get; set; }
}

/// <summary>The Session resource (§2.6) as far as the door flow reads it.</summary>
public sealed class XiaomaiSession
{
    public string SessionId { get; set; } = "";
    public string? WheatOrderNo { get; set; }
    public string? Status { get; set; }
    public DateTimeOffset? OpenedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public int LastSessionSeq { get; set; }
    public XiaomaiOpenFailure? OpenFailure { get; set; }
    /// <summary>The Order when <c>COMPLETED</c> (equal to the <c>order.completed</c> push's data without <c>session_seq</c>).</summary>
    public XiaomaiOrderData? Order { get; set; }

    /// <summary>The Exception order when <c>EXCEPTION</c> (equal to the <c>order.exception</c> push's data without <c>session_seq</c>).</summary>
    public XiaomaiExceptionData? Exception { get; set; }
}

public sealed class XiaomaiOpenFailure
{
    public string? Reason { get; set; }
    public string? ReasonDetail { get; set; }
    public DateTimeOffset? FailedAt { get; set; }
}

/// <summary>The fields every session event's <c>data</c> carries (§2.9), plus those of the door events.</summary>
public sealed class XiaomaiSessionEventData
{
    public string? SessionId { get; set; }
    public string? WheatOrderNo { get; set; }
    public string? DeviceCode { get; set; }
    public int? SessionSeq { get; set; }
    public DateTimeOffset? OpenedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public DateTimeOffset? FailedAt { get; set; }
    public string? Reason { get; set; }
    public string? ReasonDetail { get; set; }
    public int? OpenForS { get; set; }
}

/// <summary><c>order.completed</c> data: the Order resource (§2.6) plus <c>session_seq</c>. Evidence is read by the review screens, not here.</summary>
public sealed class XiaomaiOrderData
{
    public string? SessionId { get; set; }
    public string? WheatOrderNo { get; set; }
    public string? DeviceCode { get; set; }
    public string? StoreCode { get; set; }
    public int? SessionSeq { get; set; }
    public DateTimeOffset? OpenedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public DateTimeOffset? RecognizedAt { get; set; }
    public string? Currency { get; set; }
    public long TotalFen { get; set; }
    public int ItemCount { get; set; }
    public List<XiaomaiItemLine>? Items { get; set; }
}

/// <summary><c>order.exception</c> data: the Exception order resource (§2.6) plus <c>session_seq</c>; evidence kept as sent, for the review screen.</summary>
public sealed class XiaomaiExceptionData
{
    public string? SessionId { get; set; }
    public string? WheatOrderNo { get; set; }
    public string? DeviceCode { get; set; }
    public string? StoreCode { get; set; }
    public int? SessionSeq { get; set; }
    public DateTimeOffset? OpenedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public DateTimeOffset? DetectedAt { get; set; }
    public List<string>? Reasons { get; set; }
    public string? ReasonDetail { get; set; }
    public List<XiaomaiItemLine>? SuspectedItems { get; set; }
    public long SuspectedTotalFen { get; set; }
    public System.Text.Json.JsonElement? Evidence { get; set; }
}

/// <summary>An item line (§2.6).</summary>
public sealed class XiaomaiItemLine
{
    public int LineNo { get; set; }
    public string? SkuCode { get; set; }
    public string? Barcode { get; set; }
    public string? Name { get; set; }
    public int Quantity { get; set; }
    public long UnitPriceFen { get; set; }
    public long AmountFen { get; set; }
    public decimal? Confidence { get; set; }
}
