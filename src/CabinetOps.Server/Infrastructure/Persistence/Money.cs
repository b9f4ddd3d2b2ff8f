namespace CabinetOps.Server.Infrastructure.Persistence;

/// <summary>
/// A CNY amount in integer fen. Money never passes through <c>double</c> (DESIGN §3): WeChat Pay and
/// Xiaomai speak integer fen, and the spec's <c>decimal(10,2)</c> columns are yuan with two decimals.
/// </summary>
public readonly record struct Money(long Fen) : IComparable<Money>
{
    /// <summary>1 CNY = 500 tickets, so 1 fen = 5 tickets (DESIGN §2).</summary>
    public const long TicketsPerFen = 5;

    public static Money Zero => new(0);

    public static Money FromYuan(decimal yuan) => decimal.Round(yuan, 2) == yuan
        ? new Money(checked((long)(yuan * 100m)))
        : throw new ArgumentException("金额只能精确到分", nameof(yuan));

    public decimal ToYuan() => Fen / 100m;

    public long ToTickets() => checked(Fen * TicketsPerFen);

    public static Money operator +(Money a, Money b) => new(checked(a.Fen + b.Fen));

    public static Money operator -(Money a, Money b) => new(checked(a.Fen - b.Fen));

    public int CompareTo(Money other) => Fen.CompareTo(other.Fen);

    public static bool operator <(Money a, Money b) => a.Fen < b.Fen;

    public static bool operator >(Money a, Money b) => a.Fen > b.Fen;

    public static bool operator <=(Money a, Money b) => a.Fen <= b.Fen;

    public static bool operator >=(Money a, Money b) => a.Fen >= b.Fen;

    public override string ToString() => ToYuan().ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
}
