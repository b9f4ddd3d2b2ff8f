using System.Globalization;
using CabinetOps.Server.Features.Settings;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CabinetOps.Server.Features.Stores;

/// <summary>The store settings in force: the store's own value where set, else the global default.</summary>
public sealed record StoreSettingsView(Money OrderAmountLimit, int ItemCountLimit, Money PayScoreRiskCeiling, long MinTicketBalance, int ComplaintResponseHours,
    bool PayScoreEnabled = true);

/// <summary>
/// Global defaults of the per-store settings, kept in the <c>settings</c> table (keys below) so staff
/// can change them at run time; the values here apply until someone does.
/// </summary>
public sealed class StoreDefaults(CabinetOpsDbContext db)
{
    public const string OrderAmountLimitKey = "store.order_amount_limit_fen";
    public const string ItemCountLimitKey = "store.item_count_limit";
    public const string PayScoreRiskCeilingKey = "store.payscore_risk_ceiling_fen";
    public const string MinTicketBalanceKey = "store.min_ticket_balance";
    public const string ComplaintResponseHoursKey = "store.complaint_response_hours";
    /// <summary>The global Pay Score switch (WeChat's acceptance rules expect an emergency off switch): "true" or "false".</summary>
    public const string PayScoreEnabledKey = "payscore.enabled";

    public static readonly StoreSettingsView BuiltIn = new(Money.FromYuan(500m), 20, Money.FromYuan(300m), 500, 24);

    public async Task<StoreSettingsView> GetAsync(CancellationToken ct)
    {
        var keys = new[] { OrderAmountLimitKey, ItemCountLimitKey, PayScoreRiskCeilingKey, MinTicketBalanceKey, ComplaintResponseHoursKey, PayScoreEnabledKey };
        var stored = await db.Settings.AsNoTracking().Where(s => keys.Contains(s.Key)).ToDictionaryAsync(s => s.Key, s => s.Value, ct);
        string? Stored(string key) => stored.GetValueOrDefault(key);
        return new StoreSettingsView(
            new Money(ReadLong(Stored(OrderAmountLimitKey), BuiltIn.OrderAmountLimit.Fen)),
            (int)ReadLong(Stored(ItemCountLimitKey), BuiltIn.ItemCountLimit),
            new Money(ReadLong(Stored(PayScoreRiskCeilingKey), BuiltIn.PayScoreRiskCeiling.Fen)),
            ReadLong(Stored(MinTicketBalanceKey), BuiltIn.MinTicketBalance),
            (int)ReadLong(Stored(ComplaintResponseHoursKey), BuiltIn.ComplaintResponseHours),
            ReadSwitch(Stored(PayScoreEnabledKey)));
    }

    /// <summary>A stored numeric default; the built-in value while none (or garbage) is stored.</summary>
    public static long ReadLong(string? stored, long builtIn) =>
        long.TryParse(stored, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : builtIn;

    /// <summary>A stored switch is on unless it says "false" (an absent switch never turns a feature off).</summary>
    public static bool ReadSwitch(string? stored) => !string.Equals(stored, "false", StringComparison.OrdinalIgnoreCase);

    public static StoreSettingsView Effective(Store s, StoreSettingsView defaults) => new(
        s.OrderAmountLimit ?? defaults.OrderAmountLimit,
        s.ItemCountLimit ?? defaults.ItemCountLimit,
        s.PayScoreRiskCeiling ?? defaults.PayScoreRiskCeiling,
        s.MinTicketBalance ?? defaults.MinTicketBalance,
        s.ComplaintResponseHours ?? defaults.ComplaintResponseHours,
        s.PayScoreEnabled ?? defaults.PayScoreEnabled);
}
