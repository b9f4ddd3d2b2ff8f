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
