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
    public bool IsEnabled { get; set; } = true;
    public DateTime? LastSeenAt { get; set; }
    public DateTime CreatedAt { get; set; }
}
