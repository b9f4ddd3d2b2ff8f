using System.Text.Json;
using CabinetOps.Server.Infrastructure.Persistence;
using CabinetOps.Server.Integrations.Xiaomai;
using Microsoft.EntityFrameworkCore;

namespace CabinetOps.Server.Features.Devices;

/// <summary>
/// Online state from the vendor: the <c>device.online</c>/<c>device.offline</c> pushes and the
/// periodic pull that repairs missed ones (xiaomai.md §2.12 item 4). Both apply a change only when
/// its <c>status_version</c> is newer than ours, with a conditional UPDATE, so a late push or a
/// pull racing a push can never move a device back to an older state.
/// </summary>
public sealed class DeviceStatus(CabinetOpsDbContext db, XiaomaiClient xiaomai, TimeProvider clock, ILogger<DeviceStatus> logger) : IXiaomaiEventProcessor
{
    public const string PullJobName = "xiaomai-device-status-pull";

    public IReadOnlyCollection<string> EventTypes { get; } = ["device.online", "device.offline"];

    public async Task<string?> ProcessAsync(XiaomaiPush push, CancellationToken ct)
    {
        var data = push.Data!.Value.Deserialize<XiaomaiDeviceStatusData>(XiaomaiJson.Options);
        if (data is not { DeviceCode: { Length: > 0 } code, Online: { } online, StatusVersion: { } version })
            return "推送缺少 device_code、online 或 status_version";
        if (!await db.Devices.AnyAsync(d => d.DeviceCode == code, ct))
            return $"设备 {code} 未在本系统登记";
        var applied = await ApplyAsync(code, online, version, data.ChangedAt ?? push.OccurredAt, data.LastHeartbeatAt, online ? null : data.Reason ?? "OTHER", ct);
        if (applied == 0)
            logger.LogInformation("Device {DeviceCode} status version {Version} is not newer than ours; push ignored", code, version);
        return null;
    }

    /// <summary>Reads every device the vendor lists for our app and applies what is newer (one pass).</summary>
    public async Task<int> PullAsync(CancellationToken ct)
    {
        var known = (await db.Devices.AsNoTracking().Select(d => d.DeviceCode).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var updated = 0;
        for (var page = 1; ; page++)
        {
            var result = await xiaomai.ListDevicesAsync(page, 100, ct);
            if (!result.Ok)
                throw new InvalidOperationException($"小麦设备列表读取失败：{result.Message}（{result.ErrorCode}）");
            foreach (var vendor in result.Data!.Items.Where(v => known.Contains(v.DeviceCode)))
                updated += await ApplySnapshotAsync(vendor, ct);
            if (result.Data.Items.Count == 0 || page * result.Data.PageSize >= result.Data.Total)
                return updated;
        }
    }

    /// <summary>Applies a device as the vendor describes it (registration, binding answers, the pull).</summary>
    public async Task<int> ApplySnapshotAsync(XiaomaiDevice vendor, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        // What has no version (vendor's own switch, hardware facts) is taken as listed.
        await db.Devices.Where(d => d.DeviceCode == vendor.DeviceCode).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.VendorEnabled, vendor.Enabled)
            .SetProperty(d => d.Model, vendor.Model)
            .SetProperty(d => d.SerialNo, vendor.SerialNo)
            .SetProperty(d => d.FirmwareVersion, vendor.FirmwareVersion)
            .SetProperty(d => d.CamerasOk, vendor.CamerasOk)
            .SetProperty(d => d.VendorSyncedAt, now), ct);
        return await ApplyAsync(vendor.DeviceCode, vendor.Online, vendor.StatusVersion, null, vendor.LastHeartbeatAt,
            vendor.Online ? null : "HEARTBEAT_LOST", ct);
    }

    private Task<int> ApplyAsync(string code, bool online, long version, DateTimeOffset? changedAt, DateTimeOffset? heartbeat, string? offlineReason, CancellationToken ct)
    {
        var changed = (changedAt ?? clock.GetUtcNow()).UtcDateTime;
        var seen = heartbeat?.UtcDateTime;
        return db.Devices.Where(d => d.DeviceCode == code && d.StatusVersion < version).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.OnlineStatus, online)
            .SetProperty(d => d.StatusVersion, version)
            .SetProperty(d => d.StatusChangedAt, changed)
            .SetProperty(d => d.LastSeenAt, d => seen ?? d.LastSeenAt)
            .SetProperty(d => d.OfflineReason, offlineReason), ct);
    }
}
