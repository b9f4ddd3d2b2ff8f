namespace CabinetOps.Server.Features.DoorSessions;

/// <summary>
/// The door session state machine: created → opening → opened → closed → settled, or failed /
/// expired. Events arrive late, twice or out of order, so a move is allowed only forwards; a
/// terminal state never changes again.
/// </summary>
public static class DoorSessionRules
{
    public static bool IsActive(DoorSessionStatus s) => s is DoorSessionStatus.Created or DoorSessionStatus.Opening or DoorSessionStatus.Opened;

    public static bool IsTerminal(DoorSessionStatus s) => s is DoorSessionStatus.Settled or DoorSessionStatus.Failed or DoorSessionStatus.Expired;

    public static bool CanMove(DoorSessionStatus from, DoorSessionStatus to) => (from, to) switch
    {
        _ when IsTerminal(from) => false,
        (_, DoorSessionStatus.Failed) => from is DoorSessionStatus.Created or DoorSessionStatus.Opening,
        (_, DoorSessionStatus.Expired) => from is DoorSessionStatus.Created or DoorSessionStatus.Opening or DoorSessionStatus.Opened,
        (_, DoorSessionStatus.Settled) => from is DoorSessionStatus.Closed,
        // Forwards along created → opening → opened → closed; a lost "opened" may be skipped.
        _ => Rank(to) > Rank(from) && to is not DoorSessionStatus.Created,
    };

    /// <summary>The customer's words for each state (the mini-program shows these).</summary>
    public static string Label(this DoorSessionStatus s) => s switch
    {
        DoorSessionStatus.Created => "准备开门",
        DoorSessionStatus.Opening => "正在开门",
        DoorSessionStatus.Opened => "门已打开，请取商品",
        DoorSessionStatus.Closed => "门已关闭，正在结算",
        DoorSessionStatus.Settled => "已结算",
        DoorSessionStatus.Failed => "开门失败",
        DoorSessionStatus.Expired => "会话已超时",
        _ => s.ToString(),
    };

    private static int Rank(DoorSessionStatus s) => s switch
    {
        DoorSessionStatus.Created => 0,
        DoorSessionStatus.Opening => 1,
        DoorSessionStatus.Opened => 2,
        DoorSessionStatus.Closed => 3,
        _ => 4,
    };
}
