using CabinetOps.Server.Features.Alerts;
using CabinetOps.Server.Features.Audit;
using CabinetOps.Server.Features.Complaints;
using CabinetOps.Server.Features.Customers;
using CabinetOps.Server.Features.Devices;
using CabinetOps.Server.Features.ExceptionOrders;
using CabinetOps.Server.Features.Orders;
using CabinetOps.Server.Features.Settings;
using CabinetOps.Server.Features.Staff;
using CabinetOps.Server.Features.Stores;
using CabinetOps.Server.Infrastructure.Messaging;
using CabinetOps.Server.Integrations.WechatLogin;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CabinetOps.Server.Infrastructure.Persistence;

/// <summary>
/// The one DbContext. Each provider has a subclass with its own migrations folder (EF docs,
/// "Migrations with Multiple Providers"); the subclasses differ only in how money is stored.
/// </summary>
public abstract class CabinetOpsDbContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<CustomerSession> CustomerSessions => Set<CustomerSession>();
    public DbSet<Store> Stores => Set<Store>();
    public DbSet<Device> Devices => Set<Device>();
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<OrderItem> OrderItems => Set<OrderItem>();
    public DbSet<OrderPayment> OrderPayments => Set<OrderPayment>();
    public DbSet<OrderRefund> OrderRefunds => Set<OrderRefund>();
    public DbSet<OrderCorrection> OrderCorrections => Set<OrderCorrection>();
    public DbSet<Complaint> Complaints => Set<Complaint>();
    public DbSet<ComplaintPhoto> ComplaintPhotos => Set<ComplaintPhoto>();
    public DbSet<Alert> Alerts => Set<Alert>();
    public DbSet<ExceptionOrder> ExceptionOrders => Set<ExceptionOrder>();
    public DbSet<AdminUser> AdminUsers => Set<AdminUser>();
    public DbSet<AdminUserStore> AdminUserStores => Set<AdminUserStore>();
    public DbSet<Role> Roles => Set<Role>();
    public DbSet<RolePermission> RolePermissions => Set<RolePermission>();
    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();
    public DbSet<InboundMessage> InboundMessages => Set<InboundMessage>();
    public DbSet<UsedNonce> UsedNonces => Set<UsedNonce>();
    public DbSet<Setting> Settings => Set<Setting>();
    public DbSet<IntegrationToken> IntegrationTokens => Set<IntegrationToken>();
    public DbSet<Features.Tickets.TicketLedgerEntry> TicketLedger => Set<Features.Tickets.TicketLedgerEntry>();
    public DbSet<Infrastructure.Http.RateLimitCounter> RateLimitCounters => Set<Infrastructure.Http.RateLimitCounter>();
    public DbSet<Infrastructure.Security.SecurityEvent> SecurityEvents => Set<Infrastructure.Security.SecurityEvent>();
    public DbSet<Features.Products.Product> Products => Set<Features.Products.Product>();
    public DbSet<Features.Products.StoreProductPrice> StoreProductPrices => Set<Features.Products.StoreProductPrice>();
    public DbSet<Features.Products.ProductSyncRun> ProductSyncRuns => Set<Features.Products.ProductSyncRun>();
    public DbSet<Features.DoorSessions.DoorSession> DoorSessions => Set<Features.DoorSessions.DoorSession>();
    public DbSet<Features.DoorSessions.DoorSessionTransition> DoorSessionTransitions => Set<Features.DoorSessions.DoorSessionTransition>();
    public DbSet<Infrastructure.Messaging.RecurringJobSlot> RecurringJobSlots => Set<Infrastructure.Messaging.RecurringJobSlot>();

    /// <summary>ASP.NET data-protection keys (cookie encryption) shared by every node.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>
    /// Saves without EF's automatic savepoint (decision 0017). Inside a transaction EF would wrap
    /// every save in <c>SAVEPOINT</c> … <c>RELEASE</c> — two more round trips per save, on every
    /// handler, open and door event — so that a failed save could be undone while the transaction
    /// goes on. Nothing here goes on after a failed save inside a transaction: the handler, the
    /// request or the outbox commit fails and rolls back as a whole. Set on every save because a
    /// pooled context is reset to EF's default when it goes back to the pool.
    /// </summary>
    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        Database.AutoSavepointsEnabled = false;
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <inheritdoc cref="SaveChangesAsync(bool, CancellationToken)"/>
    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        Database.AutoSavepointsEnabled = false;
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CabinetOpsDbContext).Assembly);
        modelBuilder.Entity<DataProtectionKey>().ToTable("data_protection_keys");
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Timestamps are stored in UTC (DESIGN §3). Reading them back marks them UTC so that
        // PostgreSQL's timestamptz accepts them and SQLite's text round-trips without drifting.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
        ConfigureMoney(configurationBuilder);
    }

    protected abstract void ConfigureMoney(ModelConfigurationBuilder configurationBuilder);

    /// <summary>A money value as its column stores it, for the few statements written in SQL (fen on SQLite, yuan on PostgreSQL).</summary>
    public abstract object MoneyColumnValue(Money money);

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}

/// <summary>SQLite cannot compare or sum decimals in SQL, so money is INTEGER fen there (STYLE §3).</summary>
public sealed class SqliteCabinetOpsDbContext(DbContextOptions<SqliteCabinetOpsDbContext> options) : CabinetOpsDbContext(options)
{
    protected override void ConfigureMoney(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.Properties<Money>().HaveConversion<MoneyToFenConverter>();

    public override object MoneyColumnValue(Money money) => money.Fen;

    private sealed class MoneyToFenConverter() : ValueConverter<Money, long>(m => m.Fen, fen => new Money(fen));
}

/// <summary>PostgreSQL keeps the spec's <c>decimal(10,2)</c> yuan as <c>numeric(10,2)</c>.</summary>
public sealed class PostgresCabinetOpsDbContext(DbContextOptions<PostgresCabinetOpsDbContext> options) : CabinetOpsDbContext(options)
{
    protected override void ConfigureMoney(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.Properties<Money>().HaveConversion<MoneyToYuanConverter>().HaveColumnType("numeric(10,2)");

    public override object MoneyColumnValue(Money money) => money.ToYuan();

    private sealed class MoneyToYuanConverter() : ValueConverter<Money, decimal>(m => m.Fen / 100m, y => new Money((long)(y * 100m)));
}
