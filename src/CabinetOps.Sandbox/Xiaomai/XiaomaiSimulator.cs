using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using CabinetOps.Sandbox.Erp;
using CabinetOps.Sandbox.Signing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CabinetOps.Sandbox.Xiaomai;

/// <summary>Section <c>Sandbox:Xiaomai</c>: the app the fake vendor knows, where it pushes, and its cabinets.</summary>
public sealed class XiaomaiSimulatorOptions
{
    public const string Section = "Sandbox:Xiaomai";

    public string AppId { get; set; } = "";
    public string AppSecret { get; set; } = "";

    /// <summary>Where pushes go (our <c>Xiaomai:WebhookPublicUrl</c>).</summary>
    public string WebhookUrl { get; set; } = "";

    /// <summary>Cabinets provisioned to our app at start; <c>StoreCode</c> set = already bound.</summary>
    public List<SeedDevice> Devices { get; set; } = [];

    /// <summary>Delays before attempts 2…12 (xiaomai.md §2.10); scaled down in tests. Empty = the contract's ladder.</summary>
    public TimeSpan[] PushRetryDelays { get; set; } = [];

    /// <summary>How long the virtual customer takes to pull the door after the lock opens (then <c>door.opened</c> is pushed).</summary>
    public TimeSpan PullDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the cameras take to settle a closed session before <c>order.completed</c> is pushed.</summary>
    public TimeSpan RecognitionDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the device takes to confirm the unlock; zero in load tests so the figure is our server's.</summary>
    public TimeSpan UnlockConfirmDelay { get; set; } = TimeSpan.Zero;

    public TimeSpan[] EffectivePushRetryDelays => PushRetryDelays.Length > 0 ? PushRetryDelays :
    [
        TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(10),
        TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(3), TimeSpan.FromHours(6), TimeSpan.FromHours(12),
    ];
}

public sealed class SeedDevice
{
    public string Code { get; set; } = "";
    public string? StoreCode { get; set; }
    public bool Online { get; set; } = true;
}

/// <summary>A cabinet as the vendor holds it (xiaomai.md §2.6).</summary>
public sealed class SimulatedDevice
{
    public required string DeviceCode { get; init; }
    public string Model { get; init; } = "XM-V2-1D";
    public required string SerialNo { get; init; }
    public bool Enabled { get; set; } = true;
    public string? StoreCode { get; set; }
    public DateTimeOffset? BoundAt { get; set; }
    public bool Online { get; set; }
    public DateTimeOffset? LastHeartbeatAt { get; set; }
    public long StatusVersion { get; set; }
    public string DoorState { get; set; } = "CLOSED_LOCKED";
    public string? ActiveSessionId { get; set; }
    public bool CamerasOk { get; set; } = true;
    public string FirmwareVersion { get; init; } = "3.8.2";

    /// <summary>The products the vendor has configured on this cabinet; stocked from the ERP's catalogue on first use.</summary>
    public IReadOnlyList<ShelfItem>? Shelf { get; set; }
}

/// <summary>One push and how its delivery went, for the console and tests.</summary>
public sealed record PushRecord(string EventId, string EventType, string DeviceCode, int Attempts, int LastStatus, bool Delivered, DateTimeOffset CreatedAt);

/// <summary>
/// Fake Xiaomai cloud: device registry, binding and status APIs, and signed pushes delivered with
/// the contract's retry ladder. Its memory is the vendor's; CabinetOps never reads it directly.
/// </summary>
public sealed partial class XiaomaiSimulator
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new ShanghaiTimeConverter() },
    };

    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);
    private readonly ConcurrentDictionary<string, SimulatedDevice> _devices = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PushRecord> _pushes = new(StringComparer.Ordinal);
    private readonly IOptions<XiaomaiSimulatorOptions> _options;
    private readonly TimeProvider _clock;
    private readonly IHttpClientFactory _http;
    private readonly SandboxJournal _journal;
    private readonly ErpSimulator _erp;
    private readonly ILogger<XiaomaiSimulator> _logger;
    private long _eventSeq;

    public XiaomaiSimulator(IOptions<XiaomaiSimulatorOptions> options, TimeProvider clock, IHttpClientFactory http, SandboxJournal journal, ErpSimulator erp,
        ILogger<XiaomaiSimulator> logger)
    {
        _options = options;
        _erp = erp;
        _clock = clock;
        _http = http;
        _journal = journal;
        _logger = logger;
        Signature = new SandboxSignature("XM1-HMAC-SHA256", "X-Xm-", clock);
        foreach (var seed in DemoDevices.Select(d => new SeedDevice { Code = d.Code, StoreCode = d.StoreCode }).Concat(options.Value.Devices))
        {
            var device = Provision(seed.Code);
            device.StoreCode = seed.StoreCode;
            device.BoundAt = seed.StoreCode is null ? null : clock.GetUtcNow();
            device.Online = seed.Online;
        }
    }

    /// <summary>
    /// The cabinets the vendor has provisioned to the demo app: two bound to each demo store (the
    /// demo data registers them) and four spare ones staff can register and bind.
    /// </summary>
    public static readonly IReadOnlyList<(string Code, string? StoreCode)> DemoDevices =
    [
        .. new[] { "SZ001", "SZ002", "GZ001", "FS001", "DG001", "ZH001" }.SelectMany(s => new[] { ($"{s}-D01", (string?)s), ($"{s}-D02", (string?)s) }),
        .. Enumerable.Range(1, 4).Select(i => ($"XM-NEW-{i:0000}", (string?)null)),
    ];

    public XiaomaiSimulatorOptions Options => _options.Value;

    /// <summary>Products per cabinet shelf, and how many of one product a person may hold at once.</summary>
    public const int ShelfSize = 8;
    public const int MaxTakenPerProduct = 20;

    /// <summary>
    /// The cabinet's shelf: <see cref="ShelfSize"/> products of the ERP's catalogue picked from the
    /// device code (the same every start), priced as the ERP prices them when first stocked — what
    /// an operator would have configured at the vendor with our product codes.
    /// </summary>
    public IReadOnlyList<ShelfItem> Shelf(SimulatedDevice device)
    {
        lock (device)
        {
            if (device.Shelf is null)
            {
                var catalogue = _erp.OnSale();
                var start = catalogue.Count == 0 ? 0 : (int)(StableHash(device.DeviceCode) % (uint)catalogue.Count);
                device.Shelf = Enumerable.Range(0, Math.Min(ShelfSize, catalogue.Count)).Select(i => catalogue[(start + i * 29) % catalogue.Count])
                    .DistinctBy(i => i.Code).Select(i => new ShelfItem(i.Code, i.Barcode, i.Name, i.PriceFen)).ToList();
            }

            return device.Shelf;
        }
    }

    /// <summary>FNV-1a: string.GetHashCode differs between runs, a shelf must not.</summary>
    private static uint StableHash(string s)
    {
        var h = 2166136261u;
        foreach (var c in s)
            h = (h ^ c) * 16777619u;
        return h;
    }

    public SandboxSignature Signature { get; }

    /// <summary>Outage switch: every API call answers 503 SERVICE_UNAVAILABLE.</summary>
    public bool Outage { get; set; }

    /// <summary>Fault "random failures": this share of API calls answers 5xx, before or after acting.</summary>
    public RandomFailures Failures { get; } = new();

    /// <summary>Fault "drop" (§2.14): new events are recorded but never pushed; only queries reveal them.</summary>
    public bool DropPushes { get; set; }

    /// <summary>Fault "duplicate": every event is delivered this many more times after its acknowledgement (0 = off).</summary>
    public int DuplicatePushes { get; set; }

    /// <summary>Fault "reorder": a session's non-terminal event is held back until its next event has been delivered.</summary>
    public bool ReorderPushes { get; set; }

    /// <summary>Fault "wrong vendor price": recognised lines carry a unit price 10 fen above the shelf's.</summary>
    public bool WrongVendorPrice { get; set; }

    /// <summary>Fault "unknown sku": every recognised order gains a line with a product code nobody synced.</summary>
    public bool UnknownSku { get; set; }

    private readonly ConcurrentDictionary<string, (PushRecord Record, byte[] Body)> _heldBack = new(StringComparer.Ordinal);

    /// <summary>Fault "delay": the first attempt of every event waits this long.</summary>
    public TimeSpan DelayPushes { get; set; }

    public IReadOnlyList<SimulatedDevice> Devices => _devices.Values.OrderBy(d => d.DeviceCode, StringComparer.Ordinal).ToList();

    public IReadOnlyList<PushRecord> Pushes => _pushes.Values.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.EventId).Take(100).ToList();

    public SimulatedDevice? Find(string code) => _devices.GetValueOrDefault(code);

    /// <summary>The vendor registers a new cabinet to our app (done in the vendor's console, never by us).</summary>
    public SimulatedDevice Provision(string code) => _devices.GetOrAdd(code, c => new SimulatedDevice
    {
        DeviceCode = c,
        SerialNo = "XMV2" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(c)))[..8],
        Online = true,
        LastHeartbeatAt = _clock.GetUtcNow(),
        StatusVersion = 1,
    });

    /// <summary>The cabinet connects or drops off: a new status version and a signed push.</summary>
    public void SetOnline(SimulatedDevice device, bool online, string reason)
    {
        PushRecord? push;
        lock (device)
        {
            if (device.Online == online)
                return;
            var now = _clock.GetUtcNow();
            device.Online = online;
            device.StatusVersion++;
            if (online)
                device.LastHeartbeatAt = now;
            device.DoorState = online ? "CLOSED_LOCKED" : "UNKNOWN";
            var data = new JsonObject
            {
                ["device_code"] = device.DeviceCode,
                ["store_code"] = device.StoreCode,
                ["online"] = online,
                ["status_version"] = device.StatusVersion,
                ["changed_at"] = Iso(now),
                ["last_heartbeat_at"] = device.LastHeartbeatAt is { } hb ? Iso(hb) : null,
                ["reason"] = reason,
            };
            push = Enqueue(online ? "device.online" : "device.offline", device.DeviceCode, now, data);
        }

        _logger.LogInformation("Sandbox Xiaomai: {DeviceCode} is now {State} ({EventId})", device.DeviceCode, online ? "online" : "offline", push.EventId);
    }

    public JsonObject DeviceJson(SimulatedDevice d)
    {
        lock (d)
        {
            return new JsonObject
            {
                ["device_code"] = d.DeviceCode,
                ["model"] = d.Model,
                ["serial_no"] = d.SerialNo,
                ["enabled"] = d.Enabled,
                ["store_code"] = d.StoreCode,
                ["bound_at"] = d.BoundAt is { } b ? Iso(b) : null,
                ["online"] = d.Online,
                ["last_heartbeat_at"] = d.Online ? Iso(_clock.GetUtcNow().AddSeconds(-Random.Shared.Next(0, 30))) : d.LastHeartbeatAt is { } hb ? Iso(hb) : null,
                ["status_version"] = d.StatusVersion,
                ["doors"] = new JsonArray(new JsonObject { ["door_no"] = 1, ["state"] = d.DoorState }),
                ["active_session_id"] = d.ActiveSessionId,
                ["cameras_ok"] = d.CamerasOk,
                ["firmware_version"] = d.FirmwareVersion,
            };
        }
    }

    public static string Iso(DateTimeOffset t) => t.ToOffset(ChinaOffset).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    internal PushRecord Enqueue(string type, string deviceCode, DateTimeOffset occurredAt, JsonObject data)
    {
        var id = $"evt_{occurredAt.ToOffset(ChinaOffset):yyyyMMddHHmmss}_{Interlocked.Increment(ref _eventSeq):0000}";
        var body = new JsonObject { ["event_id"] = id, ["event_type"] = type, ["occurred_at"] = Iso(occurredAt), ["data"] = data };
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString(Json));
        var record = new PushRecord(id, type, deviceCode, 0, 0, false, occurredAt);
        _pushes[id] = record;
        if (_pushes.Count > 500)
        {
            foreach (var old in _pushes.Values.OrderBy(p => p.CreatedAt).Take(_pushes.Count - 500))
                _pushes.TryRemove(old.EventId, out _);
        }

        if (DropPushes)
            return record;
        var sessionId = data["session_id"]?.GetValue<string>();
        var terminal = type is "order.completed" or "order.exception" or "door.open_failed";
        (PushRecord Record, byte[] Body)? held = sessionId is not null && _heldBack.TryRemove(sessionId, out var h) ? h : null;
        if (held is null && ReorderPushes && sessionId is not null && !terminal)
        {
            _heldBack[sessionId] = (record, bytes);
            return record;
        }

        _ = Task.Run(async () =>
        {
            await SendAsync(record, bytes);
            // Fault "reorder": what was held back follows the event that overtook it.
            if (held is { } late)
                await SendAsync(late.Record, late.Body);
        });
        return record;
    }

    /// <summary>One event with the delivery faults: a late first attempt, duplicates after the acknowledgement.</summary>
    private async Task SendAsync(PushRecord record, byte[] body)
    {
        if (DelayPushes > TimeSpan.Zero)
            await Task.Delay(DelayPushes, _clock);
        await DeliverAsync(record, body);
        for (var i = 0; i < DuplicatePushes; i++)
            await DeliverAsync(record, body);
    }

    /// <summary>Delivers with the ladder of §2.10: freshly signed each attempt, at most 12 attempts, 200 + "OK" = delivered.</summary>
    private async Task DeliverAsync(PushRecord record, byte[] body)
    {
        var url = new Uri(Options.WebhookUrl);
        var delays = Options.EffectivePushRetryDelays;
        var client = _http.CreateClient("sandbox-xiaomai-push");
        for (var attempt = 1; attempt <= Math.Min(12, delays.Length + 1); attempt++)
        {
            if (attempt > 1)
                await Task.Delay(delays[attempt - 2], _clock);
            var status = 0;
            var delivered = false;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                foreach (var (name, value) in Signature.Headers(Options.AppSecret, "POST", url.PathAndQuery, Options.AppId, body))
                    request.Headers.Add(name, value);
                request.Headers.Add("X-Xm-Delivery-Attempt", attempt.ToString(CultureInfo.InvariantCulture));
                using var response = await client.SendAsync(request);
                status = (int)response.StatusCode;
                var text = await response.Content.ReadAsStringAsync();
                delivered = response.IsSuccessStatusCode && JsonNode.Parse(text)?["code"]?.GetValue<string>() == "OK";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
            {
                _logger.LogWarning("Sandbox Xiaomai push {EventId} attempt {Attempt} failed: {Error}", record.EventId, attempt, ex.Message);
            }

            _journal.Record("小麦推送", "POST", url.AbsolutePath, status, $"{record.EventType} {record.EventId} 第 {attempt} 次{(delivered ? "，已送达" : "，失败")}");
            _pushes[record.EventId] = record with { Attempts = attempt, LastStatus = status, Delivered = delivered };
            if (delivered)
                return;
        }
    }

    /// <summary>Times in bodies are ISO-8601 with +08:00 and milliseconds, as the vendor sends them (§2.3).</summary>
    private sealed class ShanghaiTimeConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDateTimeOffset();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(Iso(value));
    }
}
