using System.ComponentModel.DataAnnotations;
using CabinetOps.Server.Features.Audit;
using CabinetOps.Server.Features.Staff;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CabinetOps.Server.Features.Stores;

public sealed record StoreListFilter(string? Search = null, StoreType? Type = null, StoreProperty? Property = null, bool? Enabled = null,
    string? Sort = null, bool Descending = false, int Page = 1, int PageSize = 20);

public sealed record StoreRow(int Id, string StoreCode, string StoreName, StoreType StoreType, string StoreTypeLabel, StoreProperty StoreProperty,
    string StorePropertyLabel, string? Address, string? Phone, bool IsEnabled, int DeviceCount, DateTime CreatedAt);

public sealed record StorePage(IReadOnlyList<StoreRow> Items, int Total, int Page, int PageSize);

/// <summary>A store with its own setting values (null = global default) and the values in force.</summary>
public sealed record StoreDetail(StoreRow Store, decimal? OrderAmountLimit, int? ItemCountLimit, decimal? PayScoreRiskCeiling, long? MinTicketBalance,
    int? ComplaintResponseHours, StoreSettingsView Effective, string QrUrl, bool? PayScoreEnabled = null);

public sealed record SaveStoreRequest(
    [property: Required(ErrorMessage = "请输入门店编码"), RegularExpression("^[A-Za-z0-9_-]{2,50}$", ErrorMessage = "门店编码为 2-50 位字母、数字、_ 或 -")] string StoreCode,
    [property: Required(ErrorMessage = "请输入门店名称"), StringLength(100, ErrorMessage = "门店名称不能超过 100 个字")] string StoreName,
    [property: Required(ErrorMessage = "请选择门店类型")] StoreType? StoreType,
    [property: Required(ErrorMessage = "请选择门店性质")] StoreProperty? StoreProperty,
    [property: StringLength(200, ErrorMessage = "地址不能超过 200 个字")] string? Address = null,
    [property: RegularExpression(@"^[0-9+\- ]{5,20}$", ErrorMessage = "电话格式不正确")] string? Phone = null,
    [property: Range(0.01, 99999999.99, ErrorMessage = "金额上限须在 0.01 至 99999999.99 元之间")] decimal? OrderAmountLimit = null,
    [property: Range(1, 999, ErrorMessage = "件数上限须在 1 至 999 之间")] int? ItemCountLimit = null,
    [property: Range(0.01, 99999999.99, ErrorMessage = "支付分风险金额须在 0.01 至 99999999.99 元之间")] decimal? PayScoreRiskCeiling = null,
    [property: Range(0, 100_000_000, ErrorMessage = "最低礼票余额须在 0 至 100000000 之间")] long? MinTicketBalance = null,
    [property: Range(1, 720, ErrorMessage = "投诉响应时限须在 1 至 720 小时之间")] int? ComplaintResponseHours = null,
    bool? PayScoreEnabled = null);

/// <summary>门店管理 use cases, shared by <c>/api/admin/stores</c> and the 门店管理 page.</summary>
public sealed class StoreHandlers(CabinetOpsDbContext db, StoreDefaults defaults, PublicUrls urls, AuditWriter audit, TimeProvider clock)
{
    public async Task<StorePage> ListAsync(StaffActor actor, StoreListFilter filter, CancellationToken ct)
    {
        var page = Math.Max(1, filter.Page);
        var pageSize = Math.Clamp(filter.PageSize, 1, 200);
        var q = Filtered(actor, filter);
        var total = await q.CountAsync(ct);
        var rows = await Project(Sorted(q, filter).Skip((page - 1) * pageSize).Take(pageSize)).ToListAsync(ct);
        return new StorePage(rows.Select(Label).ToList(), total, page, pageSize);
    }

    /// <summary>Every row of the filtered list, for the Excel export (capped: an export is not a backup).</summary>
    public async Task<IReadOnlyList<StoreRow>> ExportAsync(StaffActor actor, StoreListFilter filter, CancellationToken ct) =>
        (await Project(Sorted(Filtered(actor, filter), filter).Take(50_000)).ToListAsync(ct)).Select(Label).ToList();

    public async Task<Result<StoreDetail>> GetAsync(StaffActor actor, int id, CancellationToken ct)
    {
        var store = await FindAsync(actor, db.Stores.AsNoTracking(), id, ct);
        return store is null ? Problem.NotFound("门店") : await DetailAsync(store, ct);
    }

    public async Task<Result<StoreDetail>> CreateAsync(StaffActor actor, SaveStoreRequest request, CancellationToken ct)
    {
        if (Validate(request) is { } invalid)
            return invalid;
        var code = request.StoreCode.Trim().ToUpperInvariant();
        if (await db.Stores.AnyAsync(s => s.StoreCode == code, ct))
            return Problem.Conflict("store-code-taken", $"门店编码 {code} 已存在");
        var store = new Store { StoreCode = code, StoreName = "", CreatedAt = clock.GetUtcNow().UtcDateTime };
        Apply(store, request);
        db.Stores.Add(store);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return Problem.Conflict("store-code-taken", $"门店编码 {code} 已存在");
        }

        var detail = await DetailAsync(store, ct);
        audit.Record(actor, "store.create", "Store", store.Id.ToString(), $"创建门店 {code} {store.StoreName}", after: detail, storeId: store.Id);
        await db.SaveChangesAsync(ct);
        return detail;
    }

    public async Task<Result<StoreDetail>> UpdateAsync(StaffActor actor, int id, SaveStoreRequest request, CancellationToken ct)
    {
        if (Validate(request) is { } invalid)
            return invalid;
        var store = await FindAsync(actor, db.Stores, id, ct);
        if (store is null)
            return Problem.NotFound("门店");
        if (!string.Equals(store.StoreCode, request.StoreCode.Trim(), StringComparison.OrdinalIgnoreCase))
            return Problem.Validation("storeCode", "门店编码创建后不能修改（二维码已印制）");
        if ((store.StoreType != request.StoreType || store.StoreProperty != request.StoreProperty) && !actor.Can(Permissions.StoresAdmin))
            return new Problem("forbidden", "只有总部可以修改门店类型和性质", StatusCodes.Status403Forbidden);

        var before = await DetailAsync(store, ct);
        Apply(store, request);
        store.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        var after = await DetailAsync(store, ct);
        audit.Record(actor, "store.update", "Store", id.ToString(), $"修改门店 {store.StoreCode} {store.StoreName}", before, after, store.Id);
        await db.SaveChangesAsync(ct);
        return after;
    }

    public async Task<Result<StoreDetail>> SetEnabledAsync(StaffActor actor, int id, bool enabled, CancellationToken ct)
    {
        var store = await FindAsync(actor, db.Stores, id, ct);
        if (store is null)
            return Problem.NotFound("门店");
        if (store.IsEnabled == enabled)
            return await DetailAsync(store, ct);
        store.IsEnabled = enabled;
        store.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        audit.Record(actor, enabled ? "store.enable" : "store.disable", "Store", id.ToString(),
            $"{(enabled ? "启用" : "停用")}门店 {store.StoreCode} {store.StoreName}", new { IsEnabled = !enabled }, new { IsEnabled = enabled }, store.Id);
        await db.SaveChangesAsync(ct);
        return await DetailAsync(store, ct);
    }

    /// <summary>The URL a store QR code encodes (DESIGN §4).</summary>
    public async Task<Result<(string Code, string Url)>> QrAsync(StaffActor actor, int id, CancellationToken ct)
    {
        var store = await FindAsync(actor, db.Stores.AsNoTracking(), id, ct);
        return store is null ? Problem.NotFound("门店") : (store.StoreCode, urls.Store(store.StoreCode));
    }

    /// <summary>Out of scope reads as absent: a franchise manager learns nothing about other stores.</summary>
    private static async Task<Store?> FindAsync(StaffActor actor, IQueryable<Store> stores, int id, CancellationToken ct)
    {
        var store = await stores.FirstOrDefaultAsync(s => s.Id == id, ct);
        return store is not null && actor.CanSeeStore(store.Id) ? store : null;
    }

    private IQueryable<Store> Filtered(StaffActor actor, StoreListFilter f)
    {
        var q = db.Stores.AsNoTracking();
        if (!actor.AllStores)
        {
            var scope = actor.StoreIds.ToList();
            q = q.Where(s => scope.Contains(s.Id));
        }

        if (!string.IsNullOrWhiteSpace(f.Search))
        {
            var term = f.Search.Trim();
            var upper = term.ToUpperInvariant();
            q = q.Where(s => s.StoreCode.Contains(upper) || s.StoreName.Contains(term) || (s.Address != null && s.Address.Contains(term)));
        }

        if (f.Type is { } type)
            q = q.Where(s => s.StoreType == type);
        if (f.Property is { } property)
            q = q.Where(s => s.StoreProperty == property);
        if (f.Enabled is { } enabled)
            q = q.Where(s => s.IsEnabled == enabled);
        return q;
    }

    private static IQueryable<Store> Sorted(IQueryable<Store> q, StoreListFilter f) => (f.Sort?.ToLowerInvariant(), f.Descending) switch
    {
        ("name", false) => q.OrderBy(s => s.StoreName).ThenBy(s => s.Id),
        ("name", true) => q.OrderByDescending(s => s.StoreName).ThenBy(s => s.Id),
        ("created", false) => q.OrderBy(s => s.CreatedAt).ThenBy(s => s.Id),
        ("created", true) => q.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id),
        (_, true) => q.OrderByDescending(s => s.StoreCode),
        _ => q.OrderBy(s => s.StoreCode),
    };

    private IQueryable<StoreRow> Project(IQueryable<Store> q) => q.Select(s => new StoreRow(s.Id, s.StoreCode, s.StoreName, s.StoreType, "", s.StoreProperty, "",
        s.Address, s.Phone, s.IsEnabled, db.Devices.Count(d => d.StoreId == s.Id), s.CreatedAt));

    private static StoreRow Label(StoreRow r) => r with { StoreTypeLabel = r.StoreType.Label(), StorePropertyLabel = r.StoreProperty.Label() };

    private async Task<StoreDetail> DetailAsync(Store s, CancellationToken ct)
    {
        var devices = s.Id == 0 ? 0 : await db.Devices.CountAsync(d => d.StoreId == s.Id, ct);
        var row = Label(new StoreRow(s.Id, s.StoreCode, s.StoreName, s.StoreType, "", s.StoreProperty, "", s.Address, s.Phone, s.IsEnabled, devices, s.CreatedAt));
        return new StoreDetail(row, s.OrderAmountLimit?.ToYuan(), s.ItemCountLimit, s.PayScoreRiskCeiling?.ToYuan(), s.MinTicketBalance, s.ComplaintResponseHours,
            StoreDefaults.Effective(s, await defaults.GetAsync(ct)), urls.Store(s.StoreCode), s.PayScoreEnabled);
    }

    private static Problem? Validate(SaveStoreRequest r)
    {
        if (r.OrderAmountLimit is { } a && decimal.Round(a, 2) != a)
            return Problem.Validation("orderAmountLimit", "金额只能精确到分");
        if (r.PayScoreRiskCeiling is { } c && decimal.Round(c, 2) != c)
            return Problem.Validation("payScoreRiskCeiling", "金额只能精确到分");
        return null;
    }

    private static void Apply(Store s, SaveStoreRequest r)
    {
        s.StoreName = r.StoreName.Trim();
        s.StoreType = r.StoreType!.Value;
        s.StoreProperty = r.StoreProperty!.Value;
        s.Address = string.IsNullOrWhiteSpace(r.Address) ? null : r.Address.Trim();
        s.Phone = string.IsNullOrWhiteSpace(r.Phone) ? null : r.Phone.Trim();
        s.OrderAmountLimit = r.OrderAmountLimit is { } a ? Money.FromYuan(a) : null;
        s.ItemCountLimit = r.ItemCountLimit;
        s.PayScoreRiskCeiling = r.PayScoreRiskCeiling is { } c ? Money.FromYuan(c) : null;
        s.MinTicketBalance = r.MinTicketBalance;
        s.ComplaintResponseHours = r.ComplaintResponseHours;
        s.PayScoreEnabled = r.PayScoreEnabled;
    }
}
