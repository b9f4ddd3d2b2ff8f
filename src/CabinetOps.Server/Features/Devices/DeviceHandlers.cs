using System.ComponentModel.DataAnnotations;
using CabinetOps.Server.Features.Audit;
using CabinetOps.Server.Features.Staff;
using CabinetOps.Server.Features.Stores;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Persistence;
using CabinetOps.Server.Integrations.Xiaomai;
using Microsoft.EntityFrameworkCore;

namespace CabinetOps.Server.Features.Devices;

public sealed record DeviceListFilter(string? Search = null, int? StoreId = null, bool? Online = null, bool? Enabled = null, bool? Unbound = null,
    int Page = 1, int PageSize = 20);

public sealed record DeviceRow(int Id, string DeviceCode, int? StoreId, string? StoreCode, string? StoreName, bool Online, DateTime? LastSeenAt,
    DateTime? StatusChangedAt, string? OfflineReason, bool IsEnabled, bool VendorEnabled, string? Model, string? SerialNo, string? FirmwareVersion,
    DateTime? BoundAt, DateTime CreatedAt, string QrUrl);

public sealed record DevicePage(IReadOnlyList<DeviceRow> Items, int Total, int Page, int PageSize);

public sealed record RegisterDeviceRequest(
    [property: Required(ErrorMessage = "请输入设备编号"), RegularExpression("^[A-Za-z0-9_-]{1,50}$", ErrorMessage = "设备编号为 1-50 位字母、数字、_ 或 -")] string DeviceCode,
    int? StoreId = null);

public sealed record BindDeviceRequest([property: Required(ErrorMessage = "请选择门店")] int? StoreId);

public sealed record SetDeviceStatusRequest(bool Enabled);

/// <summary>
/// 设备管理 use cases, shared by <c>/api/admin/devices</c> and the 设备管理 page. Binding and
/// unbinding ask the vendor first; a refusal leaves our data as it was.
/// </summary>
public sealed class DeviceHandlers(CabinetOpsDbContext db, XiaomaiClient xiaomai, DeviceStatus status, PublicUrls urls, AuditWriter audit, TimeProvider clock)
{
    public async Task<DevicePage> ListAsync(StaffActor actor, DeviceListFilter f, CancellationToken ct)
    {
        var page = Math.Max(1, f.Page);
        var pageSize = Math.Clamp(f.PageSize, 1, 200);
        var q = Visible(actor);
        if (!string.IsNullOrWhiteSpace(f.Search))
        {
            var term = f.Search.Trim();
            q = q.Where(d => d.DeviceCode.Contains(term) || (d.SerialNo != null && d.SerialNo.Contains(term)));
        }

        if (f.StoreId is { } storeId)
            q = q.Where(d => d.StoreId == storeId);
        if (f.Unbound == true)
            q = q.Where(d => d.StoreId == null);
        if (f.Online is { } online)
            q = q.Where(d => d.OnlineStatus == online);
        if (f.Enabled is { } enabled)
            q = q.Where(d => d.IsEnabled == enabled);
        var total = await q.CountAsync(ct);
        var rows = await Project(q.OrderBy(d => d.DeviceCode).Skip((page - 1) * pageSize).Take(pageSize)).ToListAsync(ct);
        return new DevicePage(rows, total, page, pageSize);
    }

    public async Task<Result<DeviceRow>> GetAsync(StaffActor actor, int id, CancellationToken ct) =>
        await Project(Visible(actor).Where(d => d.Id == id)).FirstOrDefaultAsync(ct) is { } row ? row : Problem.NotFound("设备");

    /// <summary>
    /// 登记设备: the vendor provisions cabinets to our app, so a code must exist there first; the
    /// hardware facts and online state are copied from its answer. Optionally binds in the same step.
    /// </summary>
    public async Task<Result<DeviceRow>> RegisterAsync(StaffActor actor, RegisterDeviceRequest request, CancellationToken ct)
    {
        var code = request.DeviceCode.Trim();
        if (await db.Devices.AnyAsync(d => d.DeviceCode == code, ct))
            return Problem.Conflict("device-code-taken", $"设备 {code} 已登记");
        Store? store = null;
        if (request.StoreId is { } storeId && (store = await FindStoreAsync(actor, storeId, ct)) is null)
            return Problem.NotFound("门店");
        if (store is null && !actor.AllStores)
            return Problem.Validation("storeId", "请选择设备所在的门店");

        var vendor = await xiaomai.GetDeviceAsync(code, ct);
        if (!vendor.Ok)
            return VendorRefused(vendor);
        if (store is not null)
        {
            // Bound at the vendor before anything is saved here: a refusal leaves no half-registered device.
            vendor = await xiaomai.BindAsync(code, new XiaomaiBindRequest(store.StoreCode, store.StoreName, store.Address), ct);
            if (!vendor.Ok)
                return VendorRefused(vendor);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var device = new Device
        {
            DeviceCode = vendor.Data!.DeviceCode,
            QrCode = urls.Device(code),
            CreatedAt = now,
            StoreId = store?.Id,
            BoundAt = store is null ? null : vendor.Data.BoundAt?.UtcDateTime ?? now,
        };
        db.Devices.Add(device);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return Problem.Conflict("device-code-taken", $"设备 {code} 已登记");
        }

        await status.ApplySnapshotAsync(vendor.Data, ct);
        audit.Record(actor, "device.register", "Device", device.Id.ToString(),
            $"登记设备 {code}" + (store is null ? "" : $"，绑定到门店 {store.StoreCode} {store.StoreName}"),
            after: new { device.DeviceCode, device.StoreId, vendor.Data.Model, vendor.Data.SerialNo }, storeId: store?.Id);
        await db.SaveChangesAsync(ct);
        return (await GetAsync(actor, device.Id, ct)).Value!;
    }

    /// <summary>Binds to a store, or moves to another one (the vendor's binding is idempotent).</summary>
    public async Task<Result<DeviceRow>> BindToStoreAsync(StaffActor actor, int id, BindDeviceRequest request, CancellationToken ct)
    {
        var device = await Visible(actor, tracked: true).FirstOrDefaultAsync(d => d.Id == id, ct);
        if (device is null)
            return Problem.NotFound("设备");
        var store = await FindStoreAsync(actor, request.StoreId!.Value, ct);
        if (store is null)
            return Problem.NotFound("门店");
        if (!store.IsEnabled)
            return Problem.Validation("storeId", "门店已停用，不能绑定设备");
        if (device.StoreId == store.Id)
            return (await GetAsync(actor, id, ct)).Value!;

        var vendor = await xiaomai.BindAsync(device.DeviceCode, new XiaomaiBindRequest(store.StoreCode, store.StoreName, store.Address), ct);
        if (!vendor.Ok)
            return VendorRefused(vendor);
        var before = new { device.StoreId };
        var moved = device.StoreId is not null;
        device.StoreId = store.Id;
        device.BoundAt = vendor.Data!.BoundAt?.UtcDateTime ?? clock.GetUtcNow().UtcDateTime;
        audit.Record(actor, moved ? "device.move" : "device.bind", "Device", id.ToString(),
            $"{(moved ? "移机" : "绑定")}设备 {device.DeviceCode} 到门店 {store.StoreCode} {store.StoreName}", before, new { StoreId = store.Id }, store.Id);
        await db.SaveChangesAsync(ct);
        await status.ApplySnapshotAsync(vendor.Data, ct);
        return (await GetAsync(actor, id, ct)).Value!;
    }

    public async Task<Result<DeviceRow>> UnbindAsync(StaffActor actor, int id, CancellationToken ct)
    {
        var device = await Visible(actor, tracked: true).FirstOrDefaultAsync(d => d.Id == id, ct);
        if (device is null)
            return Problem.NotFound("设备");
        if (device.StoreId is null)
            return (await GetAsync(actor, id, ct)).Value!;
        var vendor = await xiaomai.UnbindAsync(device.DeviceCode, ct);
        if (!vendor.Ok)
            return VendorRefused(vendor);
        var storeId = device.StoreId;
        device.StoreId = null;
        device.BoundAt = null;
        audit.Record(actor, "device.unbind", "Device", id.ToString(), $"解绑设备 {device.DeviceCode}", new { StoreId = storeId }, new { StoreId = (int?)null }, storeId);
        await db.SaveChangesAsync(ct);
        await status.ApplySnapshotAsync(vendor.Data!, ct);
        return (await GetAsync(actor, id, ct)).Value!;
    }

    /// <summary>Our own enable/disable switch; the vendor is not asked (a disabled cabinet simply never gets an open).</summary>
    public async Task<Result<DeviceRow>> SetEnabledAsync(StaffActor actor, int id, bool enabled, CancellationToken ct)
    {
        var device = await Visible(actor, tracked: true).FirstOrDefaultAsync(d => d.Id == id, ct);
        if (device is null)
            return Problem.NotFound("设备");
        if (device.IsEnabled != enabled)
        {
            device.IsEnabled = enabled;
            audit.Record(actor, enabled ? "device.enable" : "device.disable", "Device", id.ToString(), $"{(enabled ? "启用" : "停用")}设备 {device.DeviceCode}",
                new { IsEnabled = !enabled }, new { IsEnabled = enabled }, device.StoreId);
            await db.SaveChangesAsync(ct);
        }

        return (await GetAsync(actor, id, ct)).Value!;
    }

    /// <summary>Every cabinet of a store with its QR URL, for the printable A4 sheet.</summary>
    public async Task<Result<(StoreOption Store, IReadOnlyList<DeviceRow> Devices)>> StoreSheetAsync(StaffActor actor, int storeId, CancellationToken ct)
    {
        var store = await FindStoreAsync(actor, storeId, ct);
        if (store is null)
            return Problem.NotFound("门店");
        var devices = await Project(db.Devices.AsNoTracking().Where(d => d.StoreId == storeId).OrderBy(d => d.DeviceCode)).ToListAsync(ct);
        return (new StoreOption(store.Id, store.StoreCode, store.StoreName), devices);
    }

    /// <summary>
    /// Out of scope reads as absent. A franchise manager sees the devices of their stores; unbound
    /// devices belong to no store and are seen by head office only.
    /// </summary>
    private IQueryable<Device> Visible(StaffActor actor, bool tracked = false)
    {
        var q = tracked ? db.Devices : db.Devices.AsNoTracking();
        if (actor.AllStores)
            return q;
        var scope = actor.StoreIds.ToList();
        return q.Where(d => d.StoreId != null && scope.Contains(d.StoreId.Value));
    }

    private async Task<Store?> FindStoreAsync(StaffActor actor, int storeId, CancellationToken ct) =>
        actor.CanSeeStore(storeId) ? await db.Stores.AsNoTracking().FirstOrDefaultAsync(s => s.Id == storeId, ct) : null;

    private IQueryable<DeviceRow> Project(IQueryable<Device> q) =>
        from d in q
        join s in db.Stores on d.StoreId equals s.Id into stores
        from s in stores.DefaultIfEmpty()
        select new DeviceRow(d.Id, d.DeviceCode, d.StoreId, s == null ? null : s.StoreCode, s == null ? null : s.StoreName, d.OnlineStatus, d.LastSeenAt,
            d.StatusChangedAt, d.OfflineReason, d.IsEnabled, d.VendorEnabled, d.Model, d.SerialNo, d.FirmwareVersion, d.BoundAt, d.CreatedAt,
            d.QrCode ?? "");

    /// <summary>
    /// The vendor said no (422: our request was understood and refused) or could not be reached
    /// (503): either way nothing changed here, and staff read why in Chinese.
    /// </summary>
    private static Problem VendorRefused<T>(XiaomaiResult<T> result) => result.OutcomeUnknown || result.ErrorCode == XiaomaiClient.Unreachable
        ? new Problem("vendor-unavailable", result.Message!, StatusCodes.Status503ServiceUnavailable, $"小麦返回 {result.ErrorCode}")
        : new Problem("vendor-refused", result.Message!, StatusCodes.Status422UnprocessableEntity, $"小麦返回 {result.ErrorCode}");
}
