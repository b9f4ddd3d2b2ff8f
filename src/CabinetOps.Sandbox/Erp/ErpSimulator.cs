using System.Globalization;
using System.Text.Json;
using CabinetOps.Sandbox.Signing;
using Microsoft.Extensions.Options;

namespace CabinetOps.Sandbox.Erp;

/// <summary>Section <c>Sandbox:Erp</c>: the app id and secret this fake ERP accepts.</summary>
public sealed class ErpSimulatorOptions
{
    public const string Section = "Sandbox:Erp";

    public string AppId { get; set; } = "";
    public string AppSecret { get; set; } = "";
}

/// <summary>A catalogue record as the ERP keeps it; <see cref="Deleted"/> products stay as tombstones in the change feed.</summary>
public sealed record ErpItem(string Code, string Barcode, string Name, string Category, string Specification, string Unit, long PriceFen, string ImageUrl,
    string Status, bool Deleted, DateTimeOffset UpdatedAt);

/// <summary>
/// Fake ERP (docs/integrations/erp.md): a realistic catalogue of 240 products in eight categories,
/// a change feed read in keyset pages, changes on demand (price, off-sale, new, deleted) and an
/// outage switch. The catalogue is generated the same way every start.
/// </summary>
public sealed class ErpSimulator
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly (string Category, string Unit, string[] Names, string[] Specs, int MinFen, int MaxFen)[] Catalogue =
    [
        ("饮料", "瓶", ["饮用天然水", "纯净水", "可乐", "雪碧", "橙汁", "冰红茶", "绿茶", "乌龙茶", "柠檬茶", "运动饮料", "苏打水", "椰汁", "酸梅汤", "功能饮料", "气泡水"],
            ["330ml", "500ml", "550ml", "600ml"], 200, 800),
        ("零食", "袋", ["原味薯片", "番茄味薯片", "烧烤味薯片", "海苔", "牛肉干", "猪肉脯", "瓜子", "开心果", "锅巴", "虾条", "爆米花", "饼干", "威化饼", "蛋黄派", "坚果仁"],
            ["30g", "45g", "70g", "100g"], 300, 1800),
        ("糖果巧克力", "盒", ["牛奶巧克力", "黑巧克力", "软糖", "棒棒糖", "薄荷糖", "奶糖", "跳跳糖", "果汁糖", "巧克力豆", "口香糖"],
            ["20g", "40g", "80g"], 200, 1500),
        ("乳制品", "盒", ["纯牛奶", "酸奶", "乳酸菌饮料", "草莓牛奶", "巧克力牛奶", "高钙奶", "儿童成长奶", "豆奶"], ["200ml", "250ml", "100ml×4"], 300, 1200),
        ("方便食品", "桶", ["红烧牛肉面", "老坛酸菜面", "香辣牛肉面", "鲜虾鱼板面", "自热米饭", "火腿肠", "卤蛋", "即食燕麦"], ["1份", "100g", "120g"], 400, 2500),
        ("玩具", "个", ["扭蛋", "泡泡水", "弹力球", "拼装积木", "毛绒挂件", "水枪", "指尖陀螺", "贴纸册", "变形玩具", "发光手环"], ["小号", "中号", "大号"], 500, 5900),
        ("文具", "支", ["中性笔", "铅笔", "橡皮", "卷笔刀", "荧光笔", "便利贴", "修正带", "彩色蜡笔"], ["单支", "3支装", "12色"], 150, 2500),
        ("日用品", "包", ["纸巾", "湿巾", "创可贴", "一次性雨衣", "暖宝宝", "袜子", "儿童口罩", "防蚊贴"], ["1包", "10片", "均码"], 200, 2000),
    ];

    private readonly Lock _lock = new();
    private readonly Dictionary<string, ErpItem> _items = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;
    private readonly IOptions<ErpSimulatorOptions> _options;
    private DateTimeOffset _lastStamp;
    private int _nextNew = 1;

    public ErpSimulator(IOptions<ErpSimulatorOptions> options, TimeProvider clock)
    {
        _options = options;
        _clock = clock;
        Signature = new SandboxSignature("ERP1-HMAC-SHA256", "X-Erp-", clock);
        var random = new Random(20261124);
        var start = clock.GetUtcNow().AddDays(-30);
        start = start.AddTicks(-(start.Ticks % TimeSpan.TicksPerMillisecond));
        for (var c = 0; c < Catalogue.Length; c++)
        {
            var (category, unit, names, specs, min, max) = Catalogue[c];
            for (var n = 1; n <= 30; n++)
            {
                var code = $"P{c + 1}{n:0000}";
                var name = names[(n - 1) % names.Length];
                var spec = specs[(n - 1) / names.Length % specs.Length];
                var price = (min + random.Next(0, (max - min) / 50 + 1) * 50) / 10 * 10;
                var stamp = start.AddMinutes(random.Next(0, 30 * 24 * 60)).AddMilliseconds(random.Next(0, 1000));
                _items[code] = new ErpItem(code, Ean13(690000000000L + (c + 1) * 100000L + n), $"{name} {spec}", category, spec, unit, price,
                    $"https://img.erp.example/p/{code}.jpg", random.Next(0, 20) == 0 ? "OFF_SALE" : "ON_SALE", false, stamp);
            }
        }

        _lastStamp = _items.Values.Max(i => i.UpdatedAt);
    }

    public ErpSimulatorOptions Options => _options.Value;

    public SandboxSignature Signature { get; }

    /// <summary>Outage switch: the feed answers 503.</summary>
    public bool Outage { get; set; }

    public int Count
    {
        get
        {
            lock (_lock)
                return _items.Count;
        }
    }

    /// <summary>The products on sale now, in code order.</summary>
    public IReadOnlyList<ErpItem> OnSale()
    {
        lock (_lock)
            return _items.Values.Where(i => !i.Deleted && i.Status == "ON_SALE").OrderBy(i => i.Code, StringComparer.Ordinal).ToList();
    }

    public ErpItem? Find(string code)
    {
        lock (_lock)
            return _items.GetValueOrDefault(code);
    }

    /// <summary>Items strictly after the cursor in (updated_at, code) order, at most <paramref name="limit"/>.</summary>
    public (IReadOnlyList<ErpItem> Items, bool HasMore) Changes(DateTimeOffset? afterUpdatedAt, string? afterCode, int limit)
    {
        lock (_lock)
        {
            var ordered = _items.Values.OrderBy(i => i.UpdatedAt).ThenBy(i => i.Code, StringComparer.Ordinal)
                .Where(i => afterUpdatedAt is null || i.UpdatedAt > afterUpdatedAt
                    || (i.UpdatedAt == afterUpdatedAt && string.CompareOrdinal(i.Code, afterCode ?? "") > 0))
                .Take(limit + 1).ToList();
            return (ordered.Take(limit).ToList(), ordered.Count > limit);
        }
    }

    /// <summary>One change in the ERP, as staff there would make it; returns the changed record.</summary>
    public ErpItem? Change(string kind, string? code, long? priceFen)
    {
        lock (_lock)
        {
            if (kind == "add")
            {
                var newCode = code ?? $"P9{_nextNew++:0000}";
                if (_items.ContainsKey(newCode))
                    return null;
                var item = new ErpItem(newCode, Ean13(690000900000L + _nextNew), $"新品试售 {newCode}", "零食", "50g", "袋", priceFen ?? 590,
                    $"https://img.erp.example/p/{newCode}.jpg", "ON_SALE", false, Stamp());
                _items[newCode] = item;
                return item;
            }

            if (code is null || !_items.TryGetValue(code, out var current))
                return null;
            var changed = kind switch
            {
                "price" => current with { PriceFen = priceFen ?? current.PriceFen + 50 },
                "off-sale" => current with { Status = "OFF_SALE" },
                "on-sale" => current with { Status = "ON_SALE" },
                "remove" => current with { Deleted = true },
                "rename" => current with { Name = current.Name + "（新包装）" },
                _ => null,
            };
            if (changed is null)
                return null;
            return _items[code] = changed with { UpdatedAt = Stamp() };
        }
    }

    /// <summary>A few random everyday changes (the console's 模拟商品变更 button).</summary>
    public IReadOnlyList<ErpItem> RandomChanges(int count)
    {
        var result = new List<ErpItem>();
        for (var i = 0; i < count; i++)
        {
            string[] live;
            lock (_lock)
                live = _items.Values.Where(x => !x.Deleted).Select(x => x.Code).Order(StringComparer.Ordinal).ToArray();
            var kind = Random.Shared.Next(0, 10) switch { < 6 => "price", < 8 => "rename", 8 => "off-sale", _ => "add" };
            if (Change(kind, kind == "add" ? null : live[Random.Shared.Next(live.Length)], null) is { } item)
                result.Add(item);
        }

        return result;
    }

    public static object ToJson(ErpItem i) => new
    {
        code = i.Code,
        barcode = i.Barcode,
        name = i.Name,
        category = i.Category,
        specification = i.Specification,
        unit = i.Unit,
        price_fen = i.PriceFen,
        image_url = i.ImageUrl,
        status = i.Status,
        deleted = i.Deleted,
        updated_at = i.UpdatedAt.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture),
    };

    /// <summary>Change times strictly increase, at millisecond precision, like a database sequence.</summary>
    private DateTimeOffset Stamp()
    {
        var now = _clock.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
        _lastStamp = now > _lastStamp ? now : _lastStamp.AddMilliseconds(1);
        return _lastStamp;
    }

    private static string Ean13(long first12)
    {
        var digits = first12.ToString("000000000000", CultureInfo.InvariantCulture);
        var sum = digits.Select((ch, i) => (ch - '0') * (i % 2 == 0 ? 1 : 3)).Sum();
        return digits + (10 - sum % 10) % 10;
    }
}
