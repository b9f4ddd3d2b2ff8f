using CabinetOps.Server.Features.Customers;
using CabinetOps.Server.Features.Devices;
using CabinetOps.Server.Features.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CabinetOps.Server.Features.DoorSessions;

/// <summary>
/// 开门会话: one scan-to-open, from the open request to the settled order (DESIGN §4). Its
/// <see cref="SessionNo"/> is the <c>session_id</c> Xiaomai keys the open command and every door
/// event on, so it is stored before the vendor is called.
/// </summary>
public sealed class DoorSession
{
    public long Id { get; set; }
    public required string SessionNo { get; set; }
    public int CustomerId { get; set; }
    public int DeviceId { get; set; }
    public int StoreId { get; set; }
    public DoorPaymentMethod PaymentMethod { get; set; }
    /// <summary>The client's key for this open: repeated taps and retries with it return this session.</summary>
    public required string IdempotencyKey { get; set; }
    public DoorSessionStatus Status { get; set; }
    public string? WheatOrderNo { get; set; }
    /// <summary>Highest vendor <c>session_seq</c> applied; events are ordered by it, never by arrival.</summary>
    public int LastSessionSeq { get; set; }
    public string? FailureCode { get; set; }
    public string? FailureMessage { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? OpenRequestedAt { get; set; }
    public DateTime? UnlockExpiresAt { get; set; }
    public DateTime? OpenedAt { get; set; }
    public DateTime? ClosedAt { get; set; }
    public DateTime? EndedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>
    /// The safety net (decisions 0018, 0020): when the session is checked with the vendor if nothing
    /// has moved it on by then. Written with the session's insert, replaced by each move (an open door's
    /// close, a closed door's order), cleared when it ends, and swept by <see cref="DoorSessionSafetyNet"/>;
    /// a crash anywhere after the insert leaves it to be found.
    /// </summary>
    public DateTime? CheckDueAt { get; set; }

    /// <summary>The Pay Score create body, stored before the call and resent unchanged (payscore.md §8.3).</summary>
    public string? PayScoreRequest { get; set; }
    /// <summary>WeChat's service order number once created; our <c>out_order_no</c> is <see cref="SessionNo"/>.</summary>
    public string? PayScoreOrderId { get; set; }
    public string? PayScoreOrderState { get; set; }
    /// <summary>需确认 mode: the create answer's <c>package</c> for WeChat's confirmation page.</summary>
    public string? PayScorePackage { get; set; }

    /// <summary>A create was attempted and the order was not cancelled since: WeChat may hold an order to cancel.</summary>
    public bool MayHoldPayScoreOrder => PayScoreRequest is not null && PayScoreOrderState != "REVOKED";

    /// <summary>
    /// Why the session is in its state: the cause of its creation or of its last move. The database
    /// records each with its move in <c>door_session_transitions</c> (a trigger, migration
    /// <c>TransitionsByTrigger</c>), so a move is one statement and can never go unrecorded.
    /// </summary>
    public string StatusCause { get; set; } = "";
}

/// <summary>How the customer chose to pay when opening.</summary>
public enum DoorPaymentMethod
{
    PayScore = 1,
    Tickets = 2,
}

/// <summary>
/// The session's states. The first three are <em>active</em>: they hold the device and the customer
/// (one active session each, enforced by unique indexes filtered on <c>status &lt; 3</c>).
/// </summary>
public enum DoorSessionStatus
{
    Created = 0,
    Opening = 1,
    Opened = 2,
    Closed = 3,
    Settled = 4,
    Failed = 5,
    Expired = 6,
}

/// <summary>
/// One recorded move of a session: from, to, when and why. Written by the database when a session is
/// stored (created → created) or its status changes, from the row's <c>status_cause</c> and
/// <c>updated_at</c>; the application only reads them.
/// </summary>
public sealed class DoorSessionTransition
{
    public long Id { get; set; }
    public long SessionId { get; set; }
    public DoorSessionStatus From { get; set; }
    public DoorSessionStatus To { get; set; }
    public DateTime At { get; set; }
    public required string Cause { get; set; }
}

internal sealed class DoorSessionConfiguration : IEntityTypeConfiguration<DoorSession>
{
    public void Configure(EntityTypeBuilder<DoorSession> b)
    {
        b.ToTable("door_sessions");
        b.Property(x => x.SessionNo).HasMaxLength(50);
        b.HasIndex(x => x.SessionNo).IsUnique();
        b.Property(x => x.IdempotencyKey).HasMaxLength(64);
        b.HasIndex(x => new { x.CustomerId, x.IdempotencyKey }).IsUnique();
        b.Property(x => x.WheatOrderNo).HasMaxLength(50);
        b.HasIndex(x => x.WheatOrderNo).IsUnique();
        b.Property(x => x.FailureCode).HasMaxLength(40);
        b.Property(x => x.FailureMessage).HasMaxLength(200);
        b.Property(x => x.PayScoreRequest).HasMaxLength(2000);
        b.Property(x => x.PayScoreOrderId).HasMaxLength(64);
        b.Property(x => x.PayScoreOrderState).HasMaxLength(20);
        b.Property(x => x.PayScorePackage).HasMaxLength(300);
        // One active session per device and per customer, in the database and not only in code.
        b.HasIndex(x => x.DeviceId).IsUnique().HasFilter("status < 3").HasDatabaseName("ux_door_sessions_active_device");
        b.HasIndex(x => x.CustomerId).IsUnique().HasFilter("status < 3").HasDatabaseName("ux_door_sessions_active_customer");
        b.HasIndex(x => new { x.Status, x.UpdatedAt });
        // Only sessions still under way carry a due check: the sweep reads a small index.
        b.HasIndex(x => x.CheckDueAt).HasFilter("check_due_at IS NOT NULL").HasDatabaseName("ix_door_sessions_check_due");
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Device>().WithMany().HasForeignKey(x => x.DeviceId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Store>().WithMany().HasForeignKey(x => x.StoreId).OnDelete(DeleteBehavior.Restrict);
        b.Property(x => x.StatusCause).HasMaxLength(200);
        b.HasMany<DoorSessionTransition>().WithOne().HasForeignKey(t => t.SessionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DoorSessionTransitionConfiguration : IEntityTypeConfiguration<DoorSessionTransition>
{
    public void Configure(EntityTypeBuilder<DoorSessionTransition> b)
    {
        b.ToTable("door_session_transitions");
        b.Property(x => x.Cause).HasMaxLength(200);
        b.HasIndex(x => x.SessionId);
    }
}
