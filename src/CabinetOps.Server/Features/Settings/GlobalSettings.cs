using System.ComponentModel.DataAnnotations;
using System.Globalization;
using CabinetOps.Server.Features.Audit;
using CabinetOps.Server.Features.Staff;
using CabinetOps.Server.Features.Stores;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CabinetOps.Server.Features.Settings;

/// <summary>The global defaults of the per-store settings and the Pay Score switch, all required (a store's own value overrides each).</summary>
public sealed record GlobalSettingsRequest(
    [property: Required(ErrorMessage = "请输入订单金额上限"), Range(0.01, 99999999.99, ErrorMessage = "金额上限须在 0.01 至 99999999.99 元之间")] decimal? OrderAmountLimit,
    [property: Required(ErrorMessage = "请输入件数上限"), Range(1, 999, ErrorMessage = "件数上限须在 1 至 999 之间")] int? ItemCountLimit,
    [property: Required(ErrorMessage = "请输入支付分风险金额"), Range(0.01, 99999999.99, ErrorMessage = "支付分风险金额须在 0.01 至 99999999.99 元之间")] decimal? PayScoreRiskCeiling,
    [property: Required(ErrorMessage = "请输入最低礼票余额"), Range(0, 100_000_000, ErrorMessage = "最低礼票余额须在 0 至 100000000 之间")] long? MinTicketBalance,
    [property: Required(ErrorMessage = "请输入投诉响应时限"), Range(1, 720, ErrorMessage = "投诉响应时限须在 1 至 720 小时之间")] int? ComplaintResponseHours,
    [property: Required(ErrorMessage = "请选择微信支付分开关")] bool? PayScoreEnabled);

/// <summary>The settings as staff read and write them: money in yuan.</summary>
public sealed record GlobalSettingsView(decimal OrderAmountLimit, int ItemCountLimit, decimal PayScoreRiskCeiling, long MinTicketBalance, int ComplaintResponseHours,
    bool PayScoreEnabled)
{
    public static GlobalSettingsView From(StoreSettingsView v) =>
        new(v.OrderAmountLimit.ToYuan(), v.ItemCountLimit, v.PayScoreRiskCeiling.ToYuan(), v.MinTicketBalance, v.ComplaintResponseHours, v.PayScoreEnabled);
}

/// <summary>
/// 系统设置: the global defaults every store uses unless it sets its own, and the emergency Pay Score
/// switch (DESIGN §6). Kept in the <c>settings</c> table so every node reads the same values; every
/// change is audited with the values before and after.
/// </summary>
public sealed class GlobalSettings(CabinetOpsDbContext db, StoreDefaults defaults, AuditWriter audit, TimeProvider clock)
{
    public async Task<GlobalSettingsView> GetAsync(CancellationToken ct) => GlobalSettingsView.From(await defaults.GetAsync(ct));

    public async Task<Result<GlobalSettingsView>> SaveAsync(StaffActor actor, GlobalSettingsRequest r, CancellationToken ct)
    {
        if (!actor.Can(Permissions.SettingsManage))
            return Problem.Forbidden();
        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(r, new ValidationContext(r), errors, validateAllProperties: true))
            return Problem.Validation(errors[0].MemberNames.FirstOrDefault() is { } m ? char.ToLowerInvariant(m[0]) + m[1..] : "settings", errors[0].ErrorMessage ?? "请检查输入");
        if (decimal.Round(r.OrderAmountLimit!.Value, 2) != r.OrderAmountLimit || decimal.Round(r.PayScoreRiskCeiling!.Value, 2) != r.PayScoreRiskCeiling)
            return Problem.Validation("orderAmountLimit", "金额只能精确到分");

        var before = await defaults.GetAsync(ct);
        var values = new Dictionary<string, string>
        {
            [StoreDefaults.OrderAmountLimitKey] = Money.FromYuan(r.OrderAmountLimit.Value).Fen.ToString(CultureInfo.InvariantCulture),
            [StoreDefaults.ItemCountLimitKey] = r.ItemCountLimit!.Value.ToString(CultureInfo.InvariantCulture),
            [StoreDefaults.PayScoreRiskCeilingKey] = Money.FromYuan(r.PayScoreRiskCeiling!.Value).Fen.ToString(CultureInfo.InvariantCulture),
            [StoreDefaults.MinTicketBalanceKey] = r.MinTicketBalance!.Value.ToString(CultureInfo.InvariantCulture),
            [StoreDefaults.ComplaintResponseHoursKey] = r.ComplaintResponseHours!.Value.ToString(CultureInfo.InvariantCulture),
            [StoreDefaults.PayScoreEnabledKey] = r.PayScoreEnabled!.Value ? "true" : "false",
        };
        var now = clock.GetUtcNow().UtcDateTime;
        var stored = await db.Settings.Where(s => values.Keys.Contains(s.Key)).ToDictionaryAsync(s => s.Key, ct);
        foreach (var (key, value) in values)
        {
            if (stored.TryGetValue(key, out var row))
                (row.Value, row.UpdatedAt, row.UpdatedBy) = (value, now, actor.Name);
            else
                db.Settings.Add(new Setting { Key = key, Value = value, UpdatedAt = now, UpdatedBy = actor.Name });
        }

        var after = new StoreSettingsView(Money.FromYuan(r.OrderAmountLimit.Value), r.ItemCountLimit.Value, Money.FromYuan(r.PayScoreRiskCeiling.Value),
            r.MinTicketBalance.Value, r.ComplaintResponseHours.Value, r.PayScoreEnabled.Value);
        var summary = before.PayScoreEnabled != after.PayScoreEnabled
            ? $"修改系统设置：微信支付分{(after.PayScoreEnabled ? "开启" : "关闭")}"
            : "修改系统设置（门店默认值）";
        audit.Record(actor, "settings.update", "settings", null, summary, Snapshot(before), Snapshot(after));
        await db.SaveChangesAsync(ct);
        return GlobalSettingsView.From(after);
    }

    private static object Snapshot(StoreSettingsView v) => new
    {
        orderAmountLimit = v.OrderAmountLimit.ToString(), v.ItemCountLimit, payScoreRiskCeiling = v.PayScoreRiskCeiling.ToString(), v.MinTicketBalance,
        v.ComplaintResponseHours, v.PayScoreEnabled,
    };
}

public static class GlobalSettingsApi
{
    public static IEndpointRouteBuilder MapGlobalSettingsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/admin/settings").WithTags("Settings").RequireAuthorization(Permissions.SettingsManage);
        g.MapGet("/", async Task<Ok<GlobalSettingsView>> (GlobalSettings h, CancellationToken ct) => TypedResults.Ok(await h.GetAsync(ct)))
            .WithSummary("系统设置：门店设置的全局默认值与微信支付分开关");
        g.MapPut("/", async Task<Results<Ok<GlobalSettingsView>, ProblemHttpResult>> (GlobalSettingsRequest body, HttpContext http, GlobalSettings h, CancellationToken ct) =>
                (await h.SaveAsync(StaffApi.Actor(http), body, ct)).ToHttp())
            .WithSummary("修改系统设置（全部字段必填；记录操作日志，含修改前后）");
        return app;
    }
}
