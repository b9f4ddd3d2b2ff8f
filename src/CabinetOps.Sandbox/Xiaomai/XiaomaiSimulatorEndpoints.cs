using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CabinetOps.Sandbox.Xiaomai;

/// <summary>
/// The fake vendor under <c>/sandbox/xiaomai</c>: the signed device APIs of xiaomai.md §2.7 at
/// <c>/sandbox/xiaomai/v1/…</c> (the prefix is part of the signed path, as a real base-URL prefix
/// would be), and unsigned controls for the console and tests.
/// </summary>
public static partial class XiaomaiSimulatorEndpoints
{
    private const string Name = "小麦";

    public static IEndpointRouteBuilder MapXiaomaiSimulator(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/sandbox/xiaomai/v1").ExcludeFromDescription();
        api.MapGet("/devices/{code}", (string code, HttpContext http, XiaomaiSimulator sim, SandboxJournal journal) =>
            Signed(http, sim, journal, _ => sim.Find(code) is { } d ? Ok(sim.DeviceJson(d)) : Error(404, "DEVICE_NOT_FOUND", $"device {code} not found")));
        api.MapGet("/devices", (HttpContext http, XiaomaiSimulator sim, SandboxJournal journal) => Signed(http, sim, journal, _ => List(http, sim)));
        api.MapPut("/devices/{code}/binding", (string code, HttpContext http, XiaomaiSimulator sim, SandboxJournal journal) =>
            Signed(http, sim, journal, body => Bind(sim, code, body, http.Request.ContentType)));
        api.MapDelete("/devices/{code}/binding", (string code, HttpContext http, XiaomaiSimulator sim, SandboxJournal journal) =>
            Signed(http, sim, journal, _ => Unbind(sim, code)));
        api.MapPost("/devices/{code}/open", (string code, HttpContext http, XiaomaiSimulator sim, SandboxJournal journal) =>
            Signed(http, sim, journal, body => OpenDoor(sim, code, body, http.Request.ContentType)));
        api.MapGet("/sessions/{id}", (string id, HttpContext http, XiaomaiSimulator sim, SandboxJournal journal) =>
            Signed(http, sim, journal, _ => sim.FindSession(id) is { } s ? Ok(sim.SessionJson(s)) : Error(404, "SESSION_NOT_FOUND", $"session {id} not found")));
        api.MapGet("/orders/{wheatOrderNo}", (string wheatOrderNo, HttpContext http, XiaomaiSimulator sim, SandboxJournal journal) =>
            Signed(http, sim, journal, _ => sim.FindByOrderNo(wheatOrderNo) is { } s ? Ok(sim.SessionJson(s)) : Error(404, "ORDER_NOT_FOUND", $"order {wheatOrderNo} not found")));
        api.MapFallback((HttpContext http, XiaomaiSimulator sim, SandboxJournal journal) =>
            Signed(http, sim, journal, _ => Error(404, "NOT_FOUND", "no such route")));

        var control = app.MapGroup("/sandbox/xiaomai").ExcludeFromDescription();
        control.MapGet("/devices", (XiaomaiSimulator sim) => Results.Json(new JsonArray(sim.Devices.Select(d => (JsonNode)sim.DeviceJson(d)).ToArray()), XiaomaiSimulator.Json));
        control.MapPost("/devices", (string code, string? redirect, XiaomaiSimulator sim) =>
        {
            if (!DeviceCode().IsMatch(code))
                return Results.Problem(statusCode: 400, title: "设备编号格式不正确");
            var d = sim.Provision(code);
            return redirect == "1" ? Results.Redirect("/sandbox") : Results.Json(sim.DeviceJson(d), XiaomaiSimulator.Json);
        });
        control.MapPost("/devices/{code}/online", (string code, bool online, string? reason, string? redirect, XiaomaiSimulator sim) =>
        {
            if (sim.Find(code) is not { } d)
                return Results.Problem(statusCode: 404, title: "模拟器中没有该设备");
            sim.SetOnline(d, online, reason ?? (online ? "RECONNECTED" : "HEARTBEAT_LOST"));
            return redirect == "1" ? Results.Redirect("/sandbox") : Results.Json(sim.DeviceJson(d), XiaomaiSimulator.Json);
        });
        control.MapPost("/devices/{code}/busy", (string code, bool busy, string? redirect, XiaomaiSimulator sim) =>
        {
            if (sim.Find(code) is not { } d)
                return Results.Problem(statusCode: 404, title: "模拟器中没有该设备");
            lock (d)
            {
                d.ActiveSessionId = busy ? "DS_SANDBOX_" + Guid.NewGuid().ToString("N")[..12] : null;
                d.DoorState = busy ? "OPEN" : "CLOSED_LOCKED";
            }

            return redirect == "1" ? Results.Redirect("/sandbox") : Results.Json(sim.DeviceJson(d), XiaomaiSimulator.Json);
        });
        control.MapPost("/faults", (bool? outage, bool? drop, bool? duplicate, int? duplicates, bool? reorder, bool? wrongPrice, bool? unknownSku, double? delaySeconds,
            string? nextOpenFailure, bool? nextOpen500, string? nextException, double? failureRate, string? redirect, XiaomaiSimulator sim) =>
        {
            sim.Outage = outage ?? sim.Outage;
            sim.Failures.Rate = failureRate ?? sim.Failures.Rate;
            sim.DropPushes = drop ?? sim.DropPushes;
            sim.DuplicatePushes = duplicates is { } n ? Math.Clamp(n, 0, 5) : duplicate is { } d1 ? (d1 ? 1 : 0) : sim.DuplicatePushes;
            sim.ReorderPushes = reorder ?? sim.ReorderPushes;
            sim.WrongVendorPrice = wrongPrice ?? sim.WrongVendorPrice;
            sim.UnknownSku = unknownSku ?? sim.UnknownSku;
            sim.DelayPushes = delaySeconds is { } d ? TimeSpan.FromSeconds(Math.Clamp(d, 0, 600)) : sim.DelayPushes;
            sim.NextOpenFailure = nextOpenFailure is null ? sim.NextOpenFailure : nextOpenFailure.Length == 0 ? null : nextOpenFailure;
            sim.NextOpenAnswers500 = nextOpen500 ?? sim.NextOpenAnswers500;
            sim.NextException = nextException is null ? sim.NextException : nextException.Length == 0 ? null : nextException;
            return redirect == "1" ? Results.Redirect("/sandbox") : Results.Json(new
            {
                outage = sim.Outage, drop = sim.DropPushes, duplicates = sim.DuplicatePushes, reorder = sim.ReorderPushes, wrong_price = sim.WrongVendorPrice,
                unknown_sku = sim.UnknownSku, failure_rate = sim.Failures.Rate, delay_seconds = sim.DelayPushes.TotalSeconds,
                next_open_failure = sim.NextOpenFailure, next_open_500 = sim.NextOpenAnswers500, next_exception = sim.NextException,
            });
        });
        control.MapPost("/devices/{code}/close", (string code, string? redirect, XiaomaiSimulator sim) =>
            !sim.CloseDoor(code) ? Results.Problem(statusCode: 409, title: "该柜子没有打开的门")
            : redirect == "1" ? Results.Redirect("/sandbox") : Results.Json(sim.DeviceJson(sim.Find(code)!), XiaomaiSimulator.Json));
        control.MapGet("/devices/{code}/shelf", (string code, XiaomaiSimulator sim) =>
            sim.Find(code) is not { } d ? Results.Problem(statusCode: 404, title: "模拟器中没有该设备") : Results.Json(ShelfJson(sim, d), XiaomaiSimulator.Json));
        // The person at an open cabinet takes (quantity > 0) or puts back (< 0) a product; the order push (issue #6) charges what was taken.
        control.MapPost("/devices/{code}/take", (string code, string sku, int? quantity, string? redirect, XiaomaiSimulator sim) =>
        {
            var error = sim.Take(code, sku, quantity ?? 1);
            return error is not null ? Results.Problem(statusCode: error == "模拟器中没有该设备" ? 404 : 409, title: error)
                : redirect == "1" ? Results.Redirect("/sandbox") : Results.Json(ShelfJson(sim, sim.Find(code)!), XiaomaiSimulator.Json);
        });
        control.MapGet("/sessions", (int? limit, XiaomaiSimulator sim) =>
            Results.Json(new JsonArray(sim.RecentSessions(Math.Clamp(limit ?? 50, 1, 10_000)).Select(x => (JsonNode)sim.SessionJson(x)).ToArray()), XiaomaiSimulator.Json));
        control.MapGet("/pushes", (XiaomaiSimulator sim) => Results.Json(sim.Pushes, XiaomaiSimulator.Json));
        return app;
    }

    private static JsonObject ShelfJson(XiaomaiSimulator sim, SimulatedDevice d) => new()
    {
        ["device_code"] = d.DeviceCode,
        ["shelf"] = new JsonArray(sim.Shelf(d).Select(i => (JsonNode)ItemJson(i, null)).ToArray()),
        ["taken"] = new JsonArray(sim.TakenNow(d).Select(t => (JsonNode)ItemJson(t.Item, t.Quantity)).ToArray()),
    };

    private static JsonObject ItemJson(ShelfItem i, int? quantity)
    {
        var json = new JsonObject { ["sku_code"] = i.SkuCode, ["barcode"] = i.Barcode, ["name"] = i.Name, ["unit_price_fen"] = i.UnitPriceFen };
        if (quantity is { } q)
            json["quantity"] = q;
        return json;
    }

    /// <summary>Authentication first (§2.4), then the outage switch, then the call itself; every call is journalled.</summary>
    private static async Task<IResult> Signed(HttpContext http, XiaomaiSimulator sim, SandboxJournal journal, Func<byte[], IResult> handle)
    {
        var (error, body) = await sim.Signature.VerifyAsync(http.Request, sim.Options.AppId, sim.Options.AppSecret);
        var injected = error is null ? sim.Failures.Next() : InjectedFailure.None;
        var result = error is not null ? Error(401, error, "authentication failed")
            : body.Length > 1024 * 1024 ? Error(413, "PAYLOAD_TOO_LARGE", "body over 1 MiB")
            : sim.Outage || injected == InjectedFailure.BeforeAction ? Error(503, "SERVICE_UNAVAILABLE", "maintenance")
            : handle(body);
        if (injected == InjectedFailure.AfterAction)
            result = Error(500, "INTERNAL_ERROR", "injected failure after the call was applied");
        var status = result is IStatusCodeHttpResult s ? s.StatusCode ?? 200 : 200;
        journal.Record(Name, http.Request.Method, http.Request.Path + http.Request.QueryString, status, error ?? (sim.Outage ? "故障：服务不可用" : ""));
        return result;
    }

    private static IResult List(HttpContext http, XiaomaiSimulator sim)
    {
        var q = http.Request.Query;
        var page = int.TryParse(q["page"], out var p) ? p : 1;
        var size = int.TryParse(q["page_size"], out var ps) ? ps : 20;
        if (page < 1 || size is < 1 or > 100)
            return Error(400, "INVALID_ARGUMENT", "page >= 1, page_size 1-100", "page");
        IEnumerable<SimulatedDevice> devices = sim.Devices;
        if (!string.IsNullOrEmpty(q["store_code"]))
            devices = devices.Where(d => d.StoreCode == q["store_code"]);
        if (!string.IsNullOrEmpty(q["online"]))
            devices = devices.Where(d => d.Online == (q["online"] == "true"));
        var all = devices.ToList();
        return Ok(new JsonObject
        {
            ["items"] = new JsonArray(all.Skip((page - 1) * size).Take(size).Select(d => (JsonNode)sim.DeviceJson(d)).ToArray()),
            ["page"] = page,
            ["page_size"] = size,
            ["total"] = all.Count,
        });
    }

    private static IResult Bind(XiaomaiSimulator sim, string code, byte[] body, string? contentType)
    {
        if (contentType is null || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return Error(415, "UNSUPPORTED_MEDIA_TYPE", "application/json required");
        string? storeCode;
        try
        {
            storeCode = JsonNode.Parse(body)?["store_code"]?.GetValue<string>();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return Error(400, "INVALID_ARGUMENT", "malformed JSON", "store_code");
        }

        if (storeCode is null || !DeviceCode().IsMatch(storeCode))
            return Error(400, "INVALID_ARGUMENT", "store_code is required", "store_code");
        if (sim.Find(code) is not { } d)
            return Error(404, "DEVICE_NOT_FOUND", $"device {code} not found");
        lock (d)
        {
            if (d.ActiveSessionId is not null)
                return Error(409, "DEVICE_BUSY", $"device {code} has an active session", active: d.ActiveSessionId);
            if (d.StoreCode != storeCode)
            {
                d.StoreCode = storeCode;
                d.BoundAt = DateTimeOffset.UtcNow;
            }
        }

        return Ok(sim.DeviceJson(d));
    }

    private static IResult OpenDoor(XiaomaiSimulator sim, string code, byte[] body, string? contentType)
    {
        if (contentType is null || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return Error(415, "UNSUPPORTED_MEDIA_TYPE", "application/json required");
        JsonNode? json;
        try
        {
            json = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return Error(400, "INVALID_ARGUMENT", "malformed JSON", "session_id");
        }

        var sessionId = json?["session_id"]?.GetValue<string>();
        var customerRef = json?["customer_ref"]?.GetValue<string>();
        var doorNo = json?["door_no"]?.GetValue<int>() ?? 1;
        var window = json?["unlock_window_s"]?.GetValue<int>() ?? 30;
        var attach = json?["attach"]?.GetValue<string>();
        if (sessionId is null || !SessionId().IsMatch(sessionId))
            return Error(400, "INVALID_ARGUMENT", "session_id is required", "session_id");
        if (string.IsNullOrEmpty(customerRef) || customerRef.Length > 64)
            return Error(400, "INVALID_ARGUMENT", "customer_ref is required", "customer_ref");
        if (window is < 5 or > 60 || doorNo != 1 || attach?.Length > 256)
            return Error(400, "INVALID_ARGUMENT", "door_no, unlock_window_s or attach out of range", "unlock_window_s");
        var (session, replay, status, error) = sim.Open(code, sessionId, customerRef, doorNo, window, attach);
        if (session is null)
            return Error(status, error!, $"open refused: {error}");
        if (!replay && sim.NextOpenAnswers500)
        {
            // Accepted and running, but the answer is lost: the caller must resend the same session id.
            sim.NextOpenAnswers500 = false;
            return Error(500, "INTERNAL_ERROR", "sandbox fault: answer lost after acceptance");
        }

        return Ok(new JsonObject
        {
            ["session_id"] = session.SessionId,
            ["wheat_order_no"] = session.WheatOrderNo,
            ["device_code"] = session.DeviceCode,
            ["door_no"] = session.DoorNo,
            ["status"] = session.Status,
            ["lock_released"] = true,
            ["requested_at"] = XiaomaiSimulator.Iso(session.RequestedAt),
            ["unlock_expires_at"] = session.UnlockExpiresAt is { } u ? XiaomaiSimulator.Iso(u) : null,
            ["idempotent_replay"] = replay,
        });
    }

    private static IResult Unbind(XiaomaiSimulator sim, string code)
    {
        if (sim.Find(code) is not { } d)
            return Error(404, "DEVICE_NOT_FOUND", $"device {code} not found");
        lock (d)
        {
            if (d.ActiveSessionId is not null)
                return Error(409, "DEVICE_BUSY", $"device {code} has an active session", active: d.ActiveSessionId);
            d.StoreCode = null;
            d.BoundAt = null;
        }

        return Ok(sim.DeviceJson(d));
    }

    private static IResult Ok(JsonObject data) => Results.Json(new JsonObject
    {
        ["code"] = "OK",
        ["message"] = "ok",
        ["request_id"] = RequestId(),
        ["data"] = data,
    }, XiaomaiSimulator.Json);

    private static IResult Error(int status, string code, string message, string? field = null, string? active = null)
    {
        var body = new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["request_id"] = RequestId(),
            ["retryable"] = code is "DEVICE_OFFLINE" or "DEVICE_BUSY" or "RATE_LIMITED" or "INTERNAL_ERROR" or "SERVICE_UNAVAILABLE",
        };
        if (field is not null)
            body["details"] = new JsonObject { ["field"] = field };
        if (active is not null)
            body["details"] = new JsonObject { ["active_session_id"] = active };
        return Results.Json(body, XiaomaiSimulator.Json, statusCode: status);
    }

    private static string RequestId() => "req_" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,50}$")]
    private static partial Regex DeviceCode();

    [GeneratedRegex("^[A-Za-z0-9_-]{8,50}$")]
    private static partial Regex SessionId();
}
