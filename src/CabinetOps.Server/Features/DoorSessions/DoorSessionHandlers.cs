using System.ComponentModel.DataAnnotations;
using CabinetOps.Server.Features.Devices;
using CabinetOps.Server.Features.Orders;
using CabinetOps.Server.Features.Stores;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Messaging;
using CabinetOps.Server.Infrastructure.Persistence;
using CabinetOps.Server.Integrations.Xiaomai;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CabinetOps.Server.Features.DoorSessions;

/// <summary>Section <c>DoorSessions</c>.</summary>
public sealed class DoorSessionOptions
{
    public const string Section = "DoorSessions";

    /// <summary>How long the lock stays released waiting for the customer to pull the door (5–60 s).</summary>
    [Range(5, 60)]
    public int UnlockWindowSeconds { get; set; } = 30;

    /// <summary>Added to the unlock window before a session with no door event is checked with the vendor (§2.12 item 1).</summary>
    public TimeSpan OpeningCheckGrace { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A session still "opened" this long after opening is checked with the vendor (§2.12 item 2).</summary>
    public TimeSpan OpenedCheckAfter { get; set; } = TimeSpan.FromSeconds(660);

    /// <summary>A closed session with no order (or exception) this long after the close is checked with the vendor (§2.12 item 2), and again as often while it recognises.</summary>
    public TimeSpan ClosedCheckAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Still recognising this long after the close (past the vendor's 900 s bound): the check goes to staff.</summary>
    public TimeSpan RecognitionGiveUpAfter { get; set; } = TimeSpan.FromSeconds(960);

    /// <summary>The vendor's "no such session" proves an open was never accepted only this long after our last attempt.</summary>
    public TimeSpan NotFoundProvesAfter { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>需确认 mode: how long the customer has to confirm the Pay Score order before the session expires.</summary>
    public TimeSpan PayScoreConfirmTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the cluster looks for sessions whose safety-net check is due; a check runs up to this much late.</summary>
    public TimeSpan SafetyNetSweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>This many doors opened by one customer without buying within <see cref="EmptyOpensWindow"/> raise a security event.</summary>
    [Range(2, 1000)]
    public int EmptyOpensAlertThreshold { get; set; } = 5;

    public TimeSpan EmptyOpensWindow { get; set; } = TimeSpan.FromHours(1);
}

public sealed record PrecheckRequest(
    [property: Required(ErrorMessage = "请提供设备编号"), RegularExpression("^[A-Za-z0-9_-]{1,50}$", ErrorMessage = "设备编号格式不正确")] string DeviceCode);

public sealed record OpenSessionRequest(
    [property: Required(ErrorMessage = "请提供设备编号"), RegularExpression("^[A-Za-z0-9_-]{1,50}$", ErrorMessage = "设备编号格式不正确")] string DeviceCode,
    [property: Required(ErrorMessage = "请选择支付方式")] DoorPaymentMethod? PaymentMethod,
    [property: Required(ErrorMessage = "缺少幂等键"), RegularExpression("^[A-Za-z0-9_-]{8,64}$", ErrorMessage = "幂等键为 8-64 位字母、数字、_ 或 -")] string IdempotencyKey);

public sealed record DeviceSummary(string DeviceCode, string StoreCode, string StoreName, bool Online);

/// <summary>One way to pay, and why it cannot be used when it cannot.</summary>
public sealed record PaymentOption(DoorPaymentMethod Method, string Label, bool Available, string? ReasonCode, string? Reason, bool NeedsAuthorization);

public sealed record UnpaidOrderView(string OrderNo, decimal TotalAmount, DateTime OrderTime);

/// <summary>The precheck's answer. <c>PayScoreServiceOrders</c> false = the Pay Score switch is off: WeChat means pay afterwards by JSAPI.</summary>
public sealed record PrecheckAnswer(bool CanOpen, string? RefusalCode, string? RefusalMessage, DeviceSummary? Device, IReadOnlyList<PaymentOption> Methods,
    long TicketBalance, long MinTicketBalance, UnpaidOrderView? UnpaidOrder, string? ActiveSessionNo, bool PayScoreServiceOrders = true);

public sealed record CabinetView(string DeviceCode, bool Available, string StateLabel);

public sealed record StoreCabinetsView(string StoreCode, string StoreName, string? Address, IReadOnlyList<CabinetView> Cabinets);

/// <summary>What the mini-program passes to <c>wx.openBusinessView</c> to open a WeChat Pay page.</summary>
public sealed record WechatPayPage(string BusinessType, IReadOnlyDictionary<string, string> ExtraData);

/// <summary>
/// A door session as the customer sees it. <c>PayScoreConfirmation</c>: 需确认 mode, the order waits
/// for the customer on WeChat's page. <c>OrderNo</c>: the order the vendor's push made (none for an empty purchase).
/// </summary>
public sealed record DoorSessionView(string SessionNo, string DeviceCode, string StoreName, DoorPaymentMethod PaymentMethod, DoorSessionStatus Status, string StatusLabel,
    bool Active, string? FailureCode, string? FailureMessage, DateTime CreatedAt, DateTime? OpenedAt, DateTime? ClosedAt, DateTime? EndedAt,
    WechatPayPage? PayScoreConfirmation = null, string? OrderNo = null);

/// <summary>Durable work: resend an open whose outcome is unknown, with the same session id (§2.7.5).</summary>
public sealed record ResendDoorOpen(long SessionId) : IExternalWork
{
    public string Describe() => $"向小麦重发开门指令（会话 {SessionId}）";
}

/// <summary>Durable work: ask the vendor about a session whose door events are overdue (§2.12).</summary>
public sealed record CheckDoorSession(long SessionId) : IExternalWork
{
    public string Describe() => $"向小麦核对开门会话 {SessionId}";
}

/// <summary>
/// Durable work: a session's safety net, enqueued by <see cref="DoorSessionSafetyNet"/> once its
/// check is due. It acts only on a session still created or opening by then (the open never went out,
/// or the request died half-way); a session further on is <see cref="CheckDoorSession"/>'s.
/// </summary>
public sealed record CheckDoorSessionUnderWay(string SessionNo) : IExternalWork
{
    public string Describe() => $"核对开门会话 {SessionNo} 是否已开始";
}

/// <summary>
/// The open's answer to the customer, and what is still to be written once they have it
/// (<c>Record</c>, null when nothing is).
/// </summary>
public sealed record OpenAnswer(Result<DoorSessionView> Answer, Func<CancellationToken, Task>? Record = null)
{
    // The conversion to Result is spelled out: otherwise the record's copy constructor matches first and calls back here.
    public static implicit operator OpenAnswer(DoorSessionView view) => new((Result<DoorSessionView>)view);
    public static implicit operator OpenAnswer(Problem problem) => new((Result<DoorSessionView>)problem);
}

/// <summary>
/// 扫码开门 for the mini-program: precheck (DESIGN §4 step 3, our database only) and the
/// idempotent open (steps 4–5). Refusals carry a stable code and a Chinese message.
/// </summary>
public sealed class DoorSessionHandlers(CabinetOpsDbContext db, WorkQueue queue, DoorOpener opener, PayScoreServiceOrders payScoreOrders,
    IOptions<DoorSessionOptions> sessionOptions, TimeProvider clock, ILogger<DoorSessionHandlers> logger)
{
    public async Task<PrecheckAnswer> PrecheckAsync(int customerId, string deviceCode, CancellationToken ct) =>
        await AnswerAsync(await FactsAsync(customerId, deviceCode, null, ct), ct);

    /// <summary>
    /// Everything the precheck rules read, in one query (one database round trip on the hot path
    /// of every scan and every open): the customer, the cabinet and its store, the active sessions,
    /// the oldest unpaid order, the global defaults the store may override, and — for an open —
    /// the session already made with this idempotency key. Compiled once: every scan and open runs it.
    /// </summary>
    private Task<PrecheckFacts> FactsAsync(int customerId, string deviceCode, string? idempotencyKey, CancellationToken ct) =>
        Facts.For(db)(db, customerId, deviceCode, idempotencyKey, ct);

    private static readonly CompiledQuery<Func<CabinetOpsDbContext, int, string, string?, CancellationToken, Task<PrecheckFacts>>> Facts =
        new(() => EF.CompileAsyncQuery((CabinetOpsDbContext db, int customerId, string deviceCode, string? idempotencyKey, CancellationToken _) =>
            (from c in db.Customers.AsNoTracking()
             where c.Id == customerId
             from d in db.Devices.AsNoTracking().Where(d => d.DeviceCode == deviceCode).DefaultIfEmpty()
             join st in db.Stores.AsNoTracking() on d.StoreId equals (int?)st.Id into stores
             from st in stores.DefaultIfEmpty()
             select new PrecheckFacts
             {
                 Blocked = c.IsBlocked,
                 TicketBalance = c.TicketBalance,
                 PayScoreState = c.PayScoreState,
                 Device = d,
                 Store = st,
                 DeviceBusy = d != null && db.DoorSessions.Any(s => s.DeviceId == d.Id && s.Status < DoorSessionStatus.Closed),
                 ActiveSessionNo = db.DoorSessions.Where(s => s.CustomerId == c.Id && s.Status < DoorSessionStatus.Closed).Select(s => s.SessionNo).FirstOrDefault(),
                 // An order held for review is the operator's to settle, not the customer's to pay: it does not block.
                 UnpaidOrderNo = db.Orders.Where(o => o.UserId == c.Id && o.Hold == null && (o.PaymentStatus == PaymentStatus.Unpaid || o.PaymentStatus == PaymentStatus.Failed))
                     .OrderBy(o => o.OrderTime).Select(o => o.OrderNo).FirstOrDefault(),
                 ExistingSessionNo = db.DoorSessions.Where(s => s.CustomerId == c.Id && s.IdempotencyKey == idempotencyKey).Select(s => s.SessionNo).FirstOrDefault(),
                 DefaultMinTicketBalance = db.Settings.Where(x => x.Key == StoreDefaults.MinTicketBalanceKey).Select(x => x.Value).FirstOrDefault(),
                 DefaultPayScoreEnabled = db.Settings.Where(x => x.Key == StoreDefaults.PayScoreEnabledKey).Select(x => x.Value).FirstOrDefault(),
             }).Single()));

    private async Task<PrecheckAnswer> AnswerAsync(PrecheckFacts facts, CancellationToken ct)
    {
        var (device, store) = (facts.Device, facts.Store);
        var minimum = store?.MinTicketBalance ?? StoreDefaults.ReadLong(facts.DefaultMinTicketBalance, StoreDefaults.BuiltIn.MinTicketBalance);
        var payScoreSwitch = store?.PayScoreEnabled ?? StoreDefaults.ReadSwitch(facts.DefaultPayScoreEnabled);
        var summary = device is null || store is null ? null : new DeviceSummary(device.DeviceCode, store.StoreCode, store.StoreName, device.OnlineStatus);
        var unpaid = facts.UnpaidOrderNo is null ? null
            : await db.Orders.AsNoTracking().Where(o => o.OrderNo == facts.UnpaidOrderNo)
                .Select(o => new UnpaidOrderView(o.OrderNo, o.TotalAmount.ToYuan(), o.OrderTime)).SingleAsync(ct);

        (string Code, string Message)? refusal = device is null ? Refusal.DeviceNotFound
            : !device.IsEnabled || !device.VendorEnabled ? Refusal.DeviceDisabled
            : store is null ? Refusal.DeviceUnbound
            : !store.IsEnabled ? Refusal.StoreDisabled
            : facts.Blocked ? Refusal.CustomerBlocked
            : unpaid is not null ? Refusal.UnpaidOrder
            : facts.ActiveSessionNo is not null ? Refusal.CustomerActiveSession
            : !device.OnlineStatus ? Refusal.DeviceOffline
            : facts.DeviceBusy ? Refusal.DeviceBusy
            : null;

        var tickets = facts.TicketBalance >= minimum
            ? new PaymentOption(DoorPaymentMethod.Tickets, "礼票", true, null, null, false)
            : new PaymentOption(DoorPaymentMethod.Tickets, "礼票", false, "tickets-insufficient", $"礼票余额不足（至少需要 {minimum} 张）", false);
        var payScore = PayScoreOption(payScoreSwitch, payScoreOrders.Mode == Integrations.WechatPay.PayScoreMode.Confirm
            ? Customers.PayScoreAuthorization.Authorized : facts.PayScoreState);
        IReadOnlyList<PaymentOption> methods = [payScore, tickets];
        var canOpen = refusal is null && methods.Any(m => m.Available);
        (string? code, string? message) = refusal is { } r ? (r.Code, r.Message) : canOpen ? (null, null) : ("no-payment-method", "没有可用的支付方式");
        return new PrecheckAnswer(canOpen, code, message, summary, methods, facts.TicketBalance, minimum, unpaid, facts.ActiveSessionNo, payScoreSwitch);
    }

    /// <summary>
    /// Opens the door once per idempotency key: the session is stored (unique per key, per active
    /// device and per active customer) before the vendor is called with its number as the key.
    /// </summary>
    public async Task<OpenAnswer> OpenAsync(int customerId, OpenSessionRequest request, CancellationToken ct)
    {
        var facts = await FactsAsync(customerId, request.DeviceCode, request.IdempotencyKey, ct);
        if (facts.ExistingSessionNo is { } existing)
            return await ViewAsync(customerId, existing, ct);
        var check = await AnswerAsync(facts, ct);
        if (check.RefusalCode is { } refused && refused != "no-payment-method")
        {
            // A parallel request with the same key may have just created the session that now makes
            // the device busy: that is this request's session, not a refusal.
            return await ExistingAsync(customerId, request, ct) is { } raced ? raced : Refused(refused, check.RefusalMessage!);
        }
        var method = check.Methods.Single(m => m.Method == request.PaymentMethod);
        if (!method.Available)
            return Refused(method.ReasonCode!, method.Reason!);

        var (device, store) = (facts.Device!, facts.Store!);
        var serviceOrder = request.PaymentMethod == DoorPaymentMethod.PayScore && check.PayScoreServiceOrders;
        var now = clock.GetUtcNow().UtcDateTime;
        var o = sessionOptions.Value;
        var session = new DoorSession
        {
            SessionNo = BusinessNumbers.New("DS", now),
            CustomerId = customerId,
            DeviceId = device.Id,
            StoreId = store.Id,
            PaymentMethod = request.PaymentMethod!.Value,
            IdempotencyKey = request.IdempotencyKey,
            Status = DoorSessionStatus.Created,
            StatusCause = "顾客请求开门",
            CreatedAt = now,
            UpdatedAt = now,
            // Without a service order to put in force first, the command goes out right after this insert.
            OpenRequestedAt = serviceOrder ? null : now,
            // The safety net goes in with the session: whatever happens to this request after the insert
            // (a crash, a database error, a lost answer), the session is checked when this is due and
            // cannot stay open forever (DoorSessionSafetyNet).
            CheckDueAt = now + (serviceOrder ? o.PayScoreConfirmTimeout : TimeSpan.Zero) + TimeSpan.FromSeconds(o.UnlockWindowSeconds) + o.OpeningCheckGrace,
        };
        // One INSERT: its first transition is written with it by the database.
        db.DoorSessions.Add(session);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Lost a race: the same key (a double tap) returns the winner's session; otherwise the
            // device or the customer already has an active session.
            db.ChangeTracker.Clear();
            if (await ExistingAsync(customerId, request, ct) is { } winner)
                return winner;
            return await db.DoorSessions.AnyAsync(s => s.CustomerId == customerId && s.Status < DoorSessionStatus.Closed, ct)
                ? Refused(Refusal.CustomerActiveSession.Code, Refusal.CustomerActiveSession.Message)
                : Refused(Refusal.DeviceBusy.Code, Refusal.DeviceBusy.Message);
        }

        if (serviceOrder && !await payScoreOrders.PutInForceAsync(session, device, ct))
            return await ViewAsync(customerId, session.SessionNo, ct);
        // Without a service order the safety net above fires exactly when the unlock window runs out.
        var answer = await opener.CallAsync(new OpenCommand(session.Id, session.SessionNo, customerId, DoorSessionStatus.Created, device.DeviceCode,
            store.StoreCode, RequestedAtStored: !serviceOrder, CheckedWhenUnlockEnds: !serviceOrder), ct);

        // Built from what this request knows: a door event racing ahead shows on the customer's next poll.
        // The entity is let go first: the recording's save must never write these fields (a door event
        // may have moved the session on in between; only conditional moves change its state).
        db.Entry(session).State = EntityState.Detached;
        session.Status = answer.Outcome.Status;
        session.FailureCode = answer.Outcome.FailureCode;
        session.FailureMessage = answer.Outcome.FailureMessage;
        return new OpenAnswer(View(new SessionRow(session, device.DeviceCode, store.StoreName, null)), token => RecordAsync(answer, token));
    }

    /// <summary>
    /// Writes the vendor's answer after the customer has it. The answer does not depend on this
    /// commit, and a commit that never lands (a crash, a database error) is what the session's safety
    /// net repairs from the vendor's own state when it falls due (decision 0019).
    /// </summary>
    private async Task RecordAsync(VendorOpenAnswer answer, CancellationToken ct)
    {
        try
        {
            await opener.RecordAsync(answer, ct);
            if (answer.Outcome.Resend)
                await queue.EnqueueAsync(new ResendDoorOpen(answer.Command.SessionId), ct);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Door session {SessionNo}: the vendor's answer to the open was not recorded; its safety net will check it with the vendor",
                answer.Command.SessionNo);
        }
    }

    /// <summary>A store QR code lists its cabinets with whether each can be used now (DESIGN §4 step 1).</summary>
    public async Task<Result<StoreCabinetsView>> StoreCabinetsAsync(string storeCode, CancellationToken ct)
    {
        var store = await db.Stores.AsNoTracking().FirstOrDefaultAsync(s => s.StoreCode == storeCode, ct);
        if (store is null)
            return new Problem("store-not-found", "找不到该门店，请重新扫码", StatusCodes.Status404NotFound);
        var cabinets = await db.Devices.AsNoTracking().Where(d => d.StoreId == store.Id).OrderBy(d => d.DeviceCode)
            .Select(d => new
            {
                d.DeviceCode,
                Usable = d.IsEnabled && d.VendorEnabled,
                d.OnlineStatus,
                Busy = db.DoorSessions.Any(s => s.DeviceId == d.Id && s.Status < DoorSessionStatus.Closed),
            }).ToListAsync(ct);
        return new StoreCabinetsView(store.StoreCode, store.StoreName, store.Address, cabinets.Select(c => new CabinetView(c.DeviceCode,
            store.IsEnabled && c.Usable && c.OnlineStatus && !c.Busy,
            !store.IsEnabled || !c.Usable ? "暂停服务" : !c.OnlineStatus ? "离线" : c.Busy ? "使用中" : "可使用")).ToList());
    }

    /// <summary>The session page polls this every second or so per customer: one query, compiled once.</summary>
    public async Task<Result<DoorSessionView>> GetAsync(int customerId, string sessionNo, CancellationToken ct) =>
        await CustomersSession.For(db)(db, sessionNo, customerId, ct) is { } r
            ? View(r)
            : Problem.NotFound("开门会话");

    private static readonly CompiledQuery<Func<CabinetOpsDbContext, string, int, CancellationToken, Task<SessionRow?>>> CustomersSession =
        new(() => EF.CompileAsyncQuery((CabinetOpsDbContext db, string sessionNo, int customerId, CancellationToken _) =>
            (from s in db.DoorSessions.AsNoTracking()
             where s.SessionNo == sessionNo && s.CustomerId == customerId
             join d in db.Devices on s.DeviceId equals d.Id
             join st in db.Stores on s.StoreId equals st.Id
             select new SessionRow(s, d.DeviceCode, st.StoreName, db.Orders.Where(o => o.DoorSessionId == s.Id).Select(o => o.OrderNo).FirstOrDefault())).FirstOrDefault()));

    /// <summary>
    /// With the switch on, WeChat means a Pay Score service order, so the customer must have
    /// authorised; with it off (the emergency switch) WeChat customers open at once and pay the
    /// order afterwards by JSAPI — the unpaid-order block protects the operator.
    /// </summary>
    private static PaymentOption PayScoreOption(bool switchOn, Customers.PayScoreAuthorization state) =>
        !switchOn ? new PaymentOption(DoorPaymentMethod.PayScore, "微信支付（先用后付）", true, null, null, false)
        : state == Customers.PayScoreAuthorization.Authorized ? new PaymentOption(DoorPaymentMethod.PayScore, "微信支付分", true, null, null, false)
        : new PaymentOption(DoorPaymentMethod.PayScore, "微信支付分", false, "payscore-unauthorized", "请先开通微信支付分（免押金，先用后付）", true);

    /// <summary>需确认 mode: the customer is back from WeChat's confirmation page; ask WeChat and open the door if the order is in force.</summary>
    public async Task<Result<DoorSessionView>> PayScoreConfirmedAsync(int customerId, string sessionNo, CancellationToken ct)
    {
        var session = await db.DoorSessions.AsNoTracking().FirstOrDefaultAsync(s => s.SessionNo == sessionNo && s.CustomerId == customerId, ct);
        if (session is null)
            return Problem.NotFound("开门会话");
        await payScoreOrders.ConfirmAsync(session.Id, ct);
        return await ViewAsync(customerId, sessionNo, ct);
    }

    private async Task<DoorSessionView?> ExistingAsync(int customerId, OpenSessionRequest request, CancellationToken ct)
    {
        var existing = await db.DoorSessions.AsNoTracking().Where(s => s.CustomerId == customerId && s.IdempotencyKey == request.IdempotencyKey)
            .Select(s => s.SessionNo).FirstOrDefaultAsync(ct);
        return existing is null ? null : await ViewAsync(customerId, existing, ct);
    }

    private async Task<DoorSessionView> ViewAsync(int customerId, string sessionNo, CancellationToken ct) =>
        View((await CustomersSession.For(db)(db, sessionNo, customerId, ct))!);

    private sealed record SessionRow(DoorSession Session, string DeviceCode, string StoreName, string? OrderNo);

    private DoorSessionView View(SessionRow row)
    {
        var (s, deviceCode, storeName) = (row.Session, row.DeviceCode, row.StoreName);
        var awaitingConfirmation = s.Status == DoorSessionStatus.Created && s.PayScorePackage is not null;
        return new DoorSessionView(s.SessionNo, deviceCode, storeName, s.PaymentMethod, s.Status,
            awaitingConfirmation ? "请在微信支付分页面确认订单" : s.Status.Label(), DoorSessionRules.IsActive(s.Status),
            s.FailureCode, s.FailureMessage, s.CreatedAt, s.OpenedAt, s.ClosedAt, s.EndedAt,
            awaitingConfirmation ? payScoreOrders.ConfirmationPage(s.PayScorePackage!) : null, row.OrderNo);
    }

    /// <summary>What <see cref="FactsAsync"/> reads; <c>Device</c> and <c>Store</c> are null when the code is unknown or the cabinet unbound.</summary>
    private sealed class PrecheckFacts
    {
        public bool Blocked { get; init; }
        public long TicketBalance { get; init; }
        public Customers.PayScoreAuthorization PayScoreState { get; init; }
        public Device? Device { get; init; }
        public Store? Store { get; init; }
        public bool DeviceBusy { get; init; }
        public string? ActiveSessionNo { get; init; }
        public string? UnpaidOrderNo { get; init; }
        public string? ExistingSessionNo { get; init; }
        public string? DefaultMinTicketBalance { get; init; }
        public string? DefaultPayScoreEnabled { get; init; }
    }

    private static Problem Refused(string code, string message) => new(code, message, code switch
    {
        "device-not-found" => StatusCodes.Status404NotFound,
        "customer-blocked" => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status409Conflict,
    });

    /// <summary>Precheck refusals: a stable code and the Chinese message the customer reads.</summary>
    private static class Refusal
    {
        public static readonly (string Code, string Message) DeviceNotFound = ("device-not-found", "找不到该柜子，请重新扫码");
        public static readonly (string Code, string Message) DeviceDisabled = ("device-disabled", "该柜子暂停服务");
        public static readonly (string Code, string Message) DeviceUnbound = ("device-unbound", "该柜子尚未投入使用");
        public static readonly (string Code, string Message) StoreDisabled = ("store-disabled", "该门店暂停营业");
        public static readonly (string Code, string Message) DeviceOffline = ("device-offline", "柜子离线，请稍后再试或更换柜子");
        public static readonly (string Code, string Message) DeviceBusy = ("device-busy", "柜子正在被其他顾客使用，请稍候");
        public static readonly (string Code, string Message) CustomerBlocked = ("customer-blocked", "您的账号暂时无法使用，请联系门店");
        public static readonly (string Code, string Message) UnpaidOrder = ("unpaid-order", "您有未支付的订单，请先完成支付");
        public static readonly (string Code, string Message) CustomerActiveSession = ("customer-active-session", "您有正在进行的购物，请先关门结算");
    }
}
