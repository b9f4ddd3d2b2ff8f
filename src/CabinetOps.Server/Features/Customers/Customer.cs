namespace CabinetOps.Server.Features.Customers;

/// <summary>
/// 用户 (customer) — the spec's <c>users</c> table. Named Customer in code so it never reads as a
/// staff account (<c>AdminUser</c>) or the signed-in principal; see docs/decisions/0004.
/// </summary>
public sealed class Customer
{
    public int Id { get; set; }
    /// <summary>WeChat openid under our AppID: the customer key (DESIGN §2). Never shown or logged in full.</summary>
    public required string OpenId { get; set; }
    public string? UnionId { get; set; }
    /// <summary>Display name (the spec's <c>username</c>).</summary>
    public string? Username { get; set; }
    /// <summary>The phone number, AES-GCM encrypted (<see cref="Infrastructure.Security.PersonalDataProtector"/>).</summary>
    public string? Phone { get; set; }
    /// <summary>Keyed hash of the normalised phone, for exact lookup without decrypting.</summary>
    public string? PhoneHash { get; set; }
    public string? PhoneCountryCode { get; set; }
    /// <summary>Cache of the ticket ledger's sum, updated in the ledger's transaction; never negative.</summary>
    public long TicketBalance { get; set; }
    public bool IsBlocked { get; set; }
    /// <summary>WeChat Pay Score authorisation as last learnt (query or notification); filled by the scan-to-open flow.</summary>
    public PayScoreAuthorization PayScoreState { get; set; }
    public DateTime? PayScoreStateAt { get; set; }
    public DateTime CreateTime { get; set; }
    public DateTime? LastLoginAt { get; set; }
}

/// <summary>The Pay Score <c>authorization_state</c> (payscore.md §3): only Authorized lets a 免确认 order be created.</summary>
public enum PayScoreAuthorization
{
    /// <summary>Never asked, or never bound (<c>UNBINDUSER</c>).</summary>
    Unknown = 0,
    /// <summary><c>AVAILABLE</c>.</summary>
    Authorized = 1,
    /// <summary><c>UNAVAILABLE</c>: revoked or closed by the customer.</summary>
    Revoked = 2,
}

public static class PayScoreAuthorizationLabels
{
    public static string Label(this PayScoreAuthorization s) => s switch
    {
        PayScoreAuthorization.Authorized => "已授权",
        PayScoreAuthorization.Revoked => "已解除授权",
        _ => "未授权",
    };
}
