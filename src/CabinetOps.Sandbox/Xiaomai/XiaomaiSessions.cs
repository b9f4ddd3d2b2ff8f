using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace CabinetOps.Sandbox.Xiaomai;

/// <summary>A door session as the vendor keeps it (xiaomai.md §2.6 Session, §2.8 lifecycle).</summary>
public sealed class SimulatedSession
{
    public required string SessionId { get; init; }
    public required string WheatOrderNo { get; init; }
    public required string DeviceCode { get; init; }
    public string? StoreCode { get; init; }
    public int DoorNo { get; init; } = 1;
    public required string CustomerRef { get; init; }
    public string? Attach { get; init; }
    public string Status { get; set; } = "OPENING";
    public DateTimeOffset RequestedAt { get; init; }
    public DateTimeOffset? LockReleasedAt { get; set; }
    public DateTimeOffset? UnlockExpiresAt { get; set; }
    public DateTimeOffset? OpenedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public int Seq { get; set; }
    public string? FailureReason { get; set; }

    /// <summary>The Order resource (§2.6) once recognised: returned by the session query and pushed as <c>order.completed</c>.</summary>
    public JsonObject? Order { get; set; }

    /// <summary>The Exception order (§2.6) when the cameras could not settle it: returned by the query and pushed as <c>order.exception</c>.</summary>
    public JsonObject? Exception { get; set; }

    /// <summary>What the person at the cabinet has taken so far (sku_code → quantity), in the order first taken; the order push reads it.</summary>
    public List<TakenItem> Taken { get; } = [];
}

/// <summary>One product on a cabinet's shelf as the vendor has it configured: our code, its barcode and name, the vendor's price.</summary>
public sealed record ShelfItem(string SkuCode, string Barcode, string Name, long UnitPriceFen);

/// <summary>A line of what was taken during a session.</summary>
public sealed record TakenItem(ShelfItem Item, int Quantity);

/// <summary>The open command and the virtual cabinets' door events (§2.7.5, §2.8).</summary>
public sealed partial class XiaomaiSimulator
{
    private readonly ConcurrentDictionary<string, SimulatedSession> _sessions = new(StringComparer.Ordinal);
    private long _orderSeq;

    /// <summary>Fault for the next accepted open: the lock reports this reason and the door stays shut (e.g. LOCK_FAULT, DOOR_NOT_OPENED).</summary>
    public string? NextOpenFailure { get; set; }

    /// <summary>Fault "open 5xx": the next open is accepted and runs normally, but its answer is a 500.</summary>
    public bool NextOpenAnswers500 { get; set; }

    /// <summary>Fault for the next recognition: the session ends as an exception order with this reason (§2.11.2, e.g. RECOGNITION_FAILED).</summary>
    public string? NextException { get; set; }

    /// <summary>The most recent sessions, newest first (console, tests comparing the vendor's sessions with ours).</summary>
    public IReadOnlyList<SimulatedSession> RecentSessions(int limit) => _sessions.Values.OrderByDescending(s => s.RequestedAt).Take(limit).ToList();

    public SimulatedSession? FindSession(string sessionId) => _sessions.GetValueOrDefault(sessionId);

    public SimulatedSession? FindByOrderNo(string wheatOrderNo) => _sessions.Values.FirstOrDefault(s => s.WheatOrderNo == wheatOrderNo);

    /// <summary>
    /// Validates and accepts an open; returns the session and whether it was a replay, or the
    /// contract's error (status, code). Concurrent identical requests create one session.
    /// </summary>
    public (SimulatedSession? Session, bool Replay, int Status, string? Error) Open(string deviceCode, string sessionId, string customerRef, int doorNo, int unlockWindow, string? attach)
    {
        if (_sessions.TryGetValue(sessionId, out var known))
            return Same(known, deviceCode, customerRef, doorNo, attach) ? (known, true, 200, null) : (null, false, 409, "IDEMPOTENCY_CONFLICT");
        if (Find(deviceCode) is not { } device)
            return (null, false, 404, "DEVICE_NOT_FOUND");
        SimulatedSession session;
        lock (device)
        {
            // Checked again under the device lock: a concurrent identical request may have won.
            if (_sessions.TryGetValue(sessionId, out known))
                return Same(known, deviceCode, customerRef, doorNo, attach) ? (known, true, 200, null) : (null, false, 409, "IDEMPOTENCY_CONFLICT");
            if (!device.Enabled)
                return (null, false, 409, "DEVICE_DISABLED");
            if (device.StoreCode is null)
                return (null, false, 409, "DEVICE_NOT_BOUND");
            if (!device.Online)
                return (null, false, 409, "DEVICE_OFFLINE");
            if (device.ActiveSessionId is not null || device.DoorState != "CLOSED_LOCKED")
                return (null, false, 409, "DEVICE_BUSY");
            var now = _clock.GetUtcNow();
            session = new SimulatedSession
            {
                SessionId = sessionId,
                WheatOrderNo = $"WX{now.ToOffset(TimeSpan.FromHours(8)):yyyyMMddHHmmss}{Interlocked.Increment(ref _orderSeq):000000}",
                DeviceCode = deviceCode,
                StoreCode = device.StoreCode,
                DoorNo = doorNo,
                CustomerRef = customerRef,
                Attach = attach,
                RequestedAt = now,
            };
            _sessions[sessionId] = session;
            device.ActiveSessionId = sessionId;
            device.DoorState = "UNLOCKED_CLOSED";
            session.LockReleasedAt = now + Options.UnlockConfirmDelay;
            session.UnlockExpiresAt = session.LockReleasedAt + TimeSpan.FromSeconds(unlockWindow);
        }

        var failure = NextOpenFailure;
        NextOpenFailure = null;
        _ = Task.Run(() => RunAsync(session, device, failure));
        return (session, false, 200, null);
    }

    /// <summary>The person at the cabinet closes the door (console button): <c>door.closed</c>, and the device is free again.</summary>
    public bool CloseDoor(string deviceCode)
    {
        if (Find(deviceCode) is not { ActiveSessionId: { } sessionId } device || FindSession(sessionId) is not { Status: "OPEN" } session)
            return false;
        lock (device)
        {
            var now = _clock.GetUtcNow();
            session.Status = "CLOSED";
            session.ClosedAt = now;
            device.ActiveSessionId = null;
            device.DoorState = "CLOSED_LOCKED";
            var data = SessionData(session);
            data["opened_at"] = Iso(session.OpenedAt!.Value);
            data["closed_at"] = Iso(now);
            data["locked"] = true;
            data["open_duration_ms"] = (long)(now - session.OpenedAt!.Value).TotalMilliseconds;
            Enqueue("door.closed", deviceCode, now, data);
        }

        _ = Task.Run(() => RecogniseAsync(session, device));
        return true;
    }

    /// <summary>
    /// After the close, the cameras' verdict: the session completes with an Order of what was taken
    /// (empty when nothing was) and <c>order.completed</c> is pushed (§2.8, §2.9).
    /// </summary>
    private async Task RecogniseAsync(SimulatedSession session, SimulatedDevice device)
    {
        await Task.Delay(Options.RecognitionDelay, _clock);
        lock (device)
        {
            var now = _clock.GetUtcNow();
            var lines = new JsonArray();
            var (total, count, lineNo) = (0L, 0, 0);
            // Faults: the vendor's price unlike ours; a product nobody synced to us.
            var taken = session.Taken.Select(t => WrongVendorPrice ? t with { Item = t.Item with { UnitPriceFen = t.Item.UnitPriceFen + 10 } } : t).ToList();
            if (UnknownSku && taken.Count > 0)
                taken.Add(new TakenItem(new ShelfItem("XM-UNKNOWN-001", "6900000000001", "未登记商品", 300), 1));
            foreach (var t in taken)
            {
                var amount = t.Item.UnitPriceFen * t.Quantity;
                lines.Add(new JsonObject
                {
                    ["line_no"] = ++lineNo, ["sku_code"] = t.Item.SkuCode, ["barcode"] = t.Item.Barcode, ["name"] = t.Item.Name, ["quantity"] = t.Quantity,
                    ["unit_price_fen"] = t.Item.UnitPriceFen, ["amount_fen"] = amount, ["confidence"] = 0.9876m,
                });
                total += amount;
                count += t.Quantity;
            }

            var evidence = new JsonObject
            {
                ["video_status"] = "READY",
                ["videos"] = new JsonArray(new JsonObject
                {
                    ["camera"] = "top", ["url"] = $"https://media.xiaomai.example/v/{session.WheatOrderNo}/top.mp4", ["content_type"] = "video/mp4",
                    ["duration_ms"] = (long)(session.ClosedAt!.Value - session.OpenedAt!.Value).TotalMilliseconds, ["expires_at"] = Iso(now.AddDays(7)),
                }),
                ["images"] = new JsonArray(new JsonObject { ["kind"] = "AFTER", ["url"] = $"https://media.xiaomai.example/i/{session.WheatOrderNo}/after.jpg", ["expires_at"] = Iso(now.AddDays(7)) }),
            };
            if (NextException is { } reason)
            {
                // The cameras could not settle it: what they suspect, below the threshold, and the evidence.
                NextException = null;
                foreach (var line in lines)
                    line!["confidence"] = 0.4120m;
                var exception = Identity(session);
                exception["opened_at"] = Iso(session.OpenedAt!.Value);
                exception["closed_at"] = Iso(session.ClosedAt!.Value);
                exception["detected_at"] = Iso(now);
                exception["reasons"] = new JsonArray(reason);
                exception["reason_detail"] = "sandbox: 模拟器故障开关";
                exception["suspected_items"] = lines;
                exception["suspected_total_fen"] = total;
                exception["evidence"] = evidence;
                session.Status = "EXCEPTION";
                session.EndedAt = now;
                session.Exception = exception;
                var pushed = (JsonObject)exception.DeepClone();
                pushed["session_seq"] = ++session.Seq;
                Enqueue("order.exception", device.DeviceCode, now, pushed);
                return;
            }

            var order = Identity(session);
            order["opened_at"] = Iso(session.OpenedAt!.Value);
            order["closed_at"] = Iso(session.ClosedAt!.Value);
            order["recognized_at"] = Iso(now);
            order["currency"] = "CNY";
            order["total_fen"] = total;
            order["item_count"] = count;
            order["items"] = lines;
            order["recognition"] = new JsonObject { ["method"] = "EDGE", ["model_version"] = "sandbox-1", ["min_confidence"] = count == 0 ? null : 0.9876m };
            order["evidence"] = evidence;
            session.Status = "COMPLETED";
            session.EndedAt = now;
            session.Order = order;
            var data = (JsonObject)order.DeepClone();
            data["session_seq"] = ++session.Seq;
            Enqueue("order.completed", device.DeviceCode, now, data);
        }
    }

    /// <summary>
    /// The person at the cabinet takes (<paramref name="quantity"/> &gt; 0) or puts back (&lt; 0) a product
    /// while the door is open (console). Null on success, else why not.
    /// </summary>
    public string? Take(string deviceCode, string skuCode, int quantity)
    {
        if (Find(deviceCode) is not { } device)
            return "模拟器中没有该设备";
        lock (device)
        {
            if (device.ActiveSessionId is not { } sessionId || FindSession(sessionId) is not { Status: "OPEN" } session)
                return "柜门没有打开";
            if (Shelf(device).FirstOrDefault(i => i.SkuCode == skuCode) is not { } item)
                return "该柜子没有这个商品";
            var index = session.Taken.FindIndex(t => t.Item.SkuCode == skuCode);
            var now = (index < 0 ? 0 : session.Taken[index].Quantity) + quantity;
            if (now < 0 || now > MaxTakenPerProduct)
                return now < 0 ? "没有拿过这么多件" : $"每个商品最多拿 {MaxTakenPerProduct} 件";
            if (index < 0)
                session.Taken.Add(new TakenItem(item, now));
            else if (now == 0)
                session.Taken.RemoveAt(index);
            else
                session.Taken[index] = session.Taken[index] with { Quantity = now };
            return null;
        }
    }

    /// <summary>What the current session of a cabinet has taken (console and tests).</summary>
    public IReadOnlyList<TakenItem> TakenNow(SimulatedDevice device)
    {
        lock (device)
            return device.ActiveSessionId is { } id && FindSession(id) is { } s ? s.Taken.ToList() : [];
    }

    public JsonObject SessionJson(SimulatedSession s)
    {
        lock (s)
        {
            var json = Identity(s);
            json["status"] = s.Status;
            json["requested_at"] = Iso(s.RequestedAt);
            json["lock_released_at"] = s.LockReleasedAt is { } l ? Iso(l) : null;
            json["opened_at"] = s.OpenedAt is { } o ? Iso(o) : null;
            json["closed_at"] = s.ClosedAt is { } c ? Iso(c) : null;
            json["ended_at"] = s.EndedAt is { } e ? Iso(e) : null;
            json["last_session_seq"] = s.Seq;
            json["open_failure"] = s.FailureReason is { } f
                ? new JsonObject { ["reason"] = f, ["reason_detail"] = "sandbox fault", ["failed_at"] = Iso(s.EndedAt!.Value) }
                : null;
            json["order"] = s.Order?.DeepClone();
            json["exception"] = s.Exception?.DeepClone();
            return json;
        }
    }

    /// <summary>After the unlock: the virtual customer pulls the door (or, with a fault, the open fails).</summary>
    private async Task RunAsync(SimulatedSession session, SimulatedDevice device, string? failure)
    {
        await Task.Delay(failure is null ? Options.PullDelay : Options.UnlockConfirmDelay, _clock);
        lock (device)
        {
            var now = _clock.GetUtcNow();
            if (failure is not null)
            {
                session.Status = "OPEN_FAILED";
                session.FailureReason = failure;
                session.EndedAt = now;
                device.ActiveSessionId = null;
                device.DoorState = "CLOSED_LOCKED";
                var data = SessionData(session);
                data["reason"] = failure;
                data["reason_detail"] = "sandbox fault";
                data["failed_at"] = Iso(now);
                Enqueue("door.open_failed", device.DeviceCode, now, data);
                return;
            }

            session.Status = "OPEN";
            session.OpenedAt = now;
            device.DoorState = "OPEN";
            var opened = SessionData(session);
            opened["opened_at"] = Iso(now);
            Enqueue("door.opened", device.DeviceCode, now, opened);
        }
    }

    /// <summary>The fields every session event carries, with the next <c>session_seq</c>.</summary>
    private static JsonObject SessionData(SimulatedSession s)
    {
        var data = Identity(s);
        data["session_seq"] = ++s.Seq;
        return data;
    }

    /// <summary>What identifies a session in the queries and in every event of it (§2.9).</summary>
    private static JsonObject Identity(SimulatedSession s) => new()
    {
        ["session_id"] = s.SessionId,
        ["wheat_order_no"] = s.WheatOrderNo,
        ["device_code"] = s.DeviceCode,
        ["store_code"] = s.StoreCode,
        ["door_no"] = s.DoorNo,
        ["customer_ref"] = s.CustomerRef,
        ["attach"] = s.Attach,
    };

    private static bool Same(SimulatedSession s, string deviceCode, string customerRef, int doorNo, string? attach) =>
        s.DeviceCode == deviceCode && s.CustomerRef == customerRef && s.DoorNo == doorNo && s.Attach == attach;
}
