namespace CabinetOps.Server.Features.Devices;

/// <summary>智能售货柜 — the spec's <c>devices</c> table. One cabinet = one door.</summary>
public sealed class Device
{
    public int Id { get; set; }
    public required string DeviceCode { get; set; }
    public int? StoreId { get; set; }
    /// <summary>The spec's <c>online_status TINYINT</c>: true when the vendor last reported it online.</summary>
    public bool OnlineStatus { get; set; }
    /// <summary>The URL the cabinet's QR code encodes (<c>https://{host}/d/{device_code}</c>).</summary>
    public string? QrCode { get; set; }
    /// <summary>Our own switch: a disabled cabinet refuses every open, whatever the vendor says.</summary>
    public bool IsEnabled { get; set; } = true;
    /// <summary>The vendor's last heartbeat (<c>last_heartbeat_at</c>).</summary>
    public DateTime? LastSeenAt { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>The vendor's <c>status_version</c>: an online/offline report applies only when newer (xiaomai.md §2.9).</summary>
    public long StatusVersion { get; set; }
    public DateTime? StatusChangedAt { get; set; }
    /// <summary>Why the vendor last reported it offline (HEARTBEAT_LOST, POWER_LOSS…); null while online.</summary>
    public string? OfflineReason { get; set; }
    /// <summary>False when the vendor has taken the cabinet out of service.</summary>
    public bool VendorEnabled { get; set; } = true;
    public string? Model { get; set; }
    public string? SerialNo { get; set; }
    public string? FirmwareVersion { get; set; }
    public bool? CamerasOk { get; set; }
    public DateTime? BoundAt { get; set; }
    /// <summary>When the vendor's view of this device was last read (registration, binding or the status pull).</summary>
    public DateTime? VendorSyncedAt { get; set; }
}
