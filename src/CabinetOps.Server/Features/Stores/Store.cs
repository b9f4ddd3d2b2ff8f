namespace CabinetOps.Server.Features.Stores;

/// <summary>门店 — the spec's <c>stores</c> table.</summary>
public sealed class Store
{
    public int Id { get; set; }
    public required string StoreCode { get; set; }
    public required string StoreName { get; set; }
    public StoreType StoreType { get; set; }
    public StoreProperty StoreProperty { get; set; }
    public string? Address { get; set; }
    /// <summary>The store's business telephone (not personal data).</summary>
    public string? Phone { get; set; }
    public bool IsEnabled { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    public DateTime? UpdatedAt { get; set; }

    // Per-store settings used by later flows; null means "use the global default" (StoreDefaults).

    /// <summary>金额超限: an order above this amount is held for review instead of charged.</summary>
    public Infrastructure.Persistence.Money? OrderAmountLimit { get; set; }

    /// <summary>金额超限 by item count.</summary>
    public int? ItemCountLimit { get; set; }

    /// <summary>The Pay Score service order's estimate (risk ceiling).</summary>
    public Infrastructure.Persistence.Money? PayScoreRiskCeiling { get; set; }

    /// <summary>Ticket balance a customer needs to open a cabinet with tickets.</summary>
    public long? MinTicketBalance { get; set; }

    /// <summary>Hours staff have to answer a complaint before an alert is raised.</summary>
    public int? ComplaintResponseHours { get; set; }

    /// <summary>The Pay Score switch for this store (null = the global switch): off, WeChat customers pay afterwards by JSAPI.</summary>
    public bool? PayScoreEnabled { get; set; }
}

/// <summary>The spec's <c>ENUM('儿童','电玩','运动馆')</c>.</summary>
public enum StoreType
{
    Children = 1,
    Arcade = 2,
    SportsHall = 3,
}

/// <summary>The spec's <c>ENUM('直营','加盟')</c>.</summary>
public enum StoreProperty
{
    Direct = 1,
    Franchise = 2,
}

public static class StoreLabels
{
    public static string Label(this StoreType t) => t switch
    {
        StoreType.Children => "儿童",
        StoreType.Arcade => "电玩",
        StoreType.SportsHall => "运动馆",
        _ => t.ToString(),
    };

    public static string Label(this StoreProperty p) => p switch
    {
        StoreProperty.Direct => "直营",
        StoreProperty.Franchise => "加盟",
        _ => p.ToString(),
    };
}
