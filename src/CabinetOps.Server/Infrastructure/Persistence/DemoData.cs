using CabinetOps.Sandbox.Wechat;
using CabinetOps.Server.Features.Customers;
using CabinetOps.Server.Features.Devices;
using CabinetOps.Server.Features.Staff;
using CabinetOps.Server.Features.Stores;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CabinetOps.Server.Infrastructure.Persistence;

/// <summary>Section <c>Demo</c>: true only on the embedded default. Elsewhere there is no default password.</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    public bool Enabled { get; set; }
}

/// <summary>
/// Demo data for the embedded default: stores of each type and property, devices, customers (the
/// sandbox's WeChat users, phones encrypted) and one admin per role. Runs once, on an empty database.
/// </summary>
public sealed class DemoData(CabinetOpsDbContext db, IPasswordHasher<AdminUser> hasher, PersonalDataProtector protector, TimeProvider clock, PublicUrls urls)
{
    public const string Password = "Demo@2026";

    public static readonly IReadOnlyList<(string UserName, string DisplayName, string Role)> Accounts =
    [
        ("admin", "系统管理员", Roles.Administrator),
        ("ops", "运营小王", Roles.Operator),
        ("franchise", "加盟商老李", Roles.Franchisee),
        ("finance", "财务小陈", Roles.Finance),
    ];

    public async Task SeedAsync(CancellationToken ct)
    {
        if (await db.Stores.AnyAsync(ct))
            return;
        var now = clock.GetUtcNow().UtcDateTime;
        var stores = new List<Store>
        {
            new() { StoreCode = "SZ001", StoreName = "深圳欢乐谷儿童乐园", StoreType = StoreType.Children, StoreProperty = StoreProperty.Direct, Address = "深圳市南山区侨城西街 18 号", Phone = "0755-86660001", CreatedAt = now },
            new() { StoreCode = "SZ002", StoreName = "深圳海岸城电玩城", StoreType = StoreType.Arcade, StoreProperty = StoreProperty.Direct, Address = "深圳市南山区文心五路 33 号", Phone = "0755-86660002", CreatedAt = now },
            new() { StoreCode = "GZ001", StoreName = "广州天河运动馆", StoreType = StoreType.SportsHall, StoreProperty = StoreProperty.Direct, Address = "广州市天河区体育西路 101 号", Phone = "020-38880001", CreatedAt = now },
            new() { StoreCode = "FS001", StoreName = "佛山千灯湖儿童乐园（加盟）", StoreType = StoreType.Children, StoreProperty = StoreProperty.Franchise, Address = "佛山市南海区灯湖东路 1 号", Phone = "0757-86330001", CreatedAt = now },
            new() { StoreCode = "DG001", StoreName = "东莞万达电玩城（加盟）", StoreType = StoreType.Arcade, StoreProperty = StoreProperty.Franchise, Address = "东莞市东城区东纵大道 208 号", Phone = "0769-22880001", CreatedAt = now },
            new() { StoreCode = "ZH001", StoreName = "珠海横琴运动馆（加盟）", StoreType = StoreType.SportsHall, StoreProperty = StoreProperty.Franchise, Address = "珠海市横琴新区环岛东路 3000 号", Phone = "0756-88990001", CreatedAt = now },
        };
        db.Stores.AddRange(stores);
        await db.SaveChangesAsync(ct);

        // The cabinets the sandbox vendor has bound to the demo stores; the status pull fills in the rest.
        foreach (var (code, storeCode) in Sandbox.Xiaomai.XiaomaiSimulator.DemoDevices.Where(d => d.StoreCode is not null))
        {
            var store = stores.Single(s => s.StoreCode == storeCode);
            db.Devices.Add(new Device { DeviceCode = code, StoreId = store.Id, OnlineStatus = true, QrCode = urls.Device(code), CreatedAt = now, LastSeenAt = now, BoundAt = now });
        }

        var demoCustomers = new List<Customer>();
        foreach (var (alias, openId, phone) in WechatSimulator.DemoCustomers)
        {
            demoCustomers.Add(new Customer
            {
                OpenId = openId,
                Username = alias,
                Phone = protector.Protect(phone),
                PhoneHash = protector.Hash(PhoneNumber.HashPurpose, phone),
                PhoneCountryCode = "86",
                TicketBalance = 0,
                CreateTime = now,
            });
        }

        db.Customers.AddRange(demoCustomers);

        var franchiseStores = stores.Where(s => s.StoreProperty == StoreProperty.Franchise).Take(2).Select(s => s.Id).ToList();
        foreach (var (userName, displayName, role) in Accounts)
        {
            var user = new AdminUser
            {
                UserName = userName,
                DisplayName = displayName,
                RoleCode = role,
                PasswordHash = "",
                SecurityStamp = StaffHandlers.NewStamp(),
                CreatedAt = now,
                Stores = role == Roles.Franchisee ? franchiseStores.Select(id => new AdminUserStore { StoreId = id }).ToList() : [],
            };
            user.PasswordHash = hasher.HashPassword(user, Password);
            db.AdminUsers.Add(user);
        }

        await db.SaveChangesAsync(ct);

        // 顾客一 can shop with tickets at once; the others show the "not enough tickets" path.
        var first = demoCustomers[0];
        first.TicketBalance = DemoTickets;
        db.TicketLedger.Add(new Features.Tickets.TicketLedgerEntry
        {
            CustomerId = first.Id, Kind = Features.Tickets.TicketEntryKind.Grant, Amount = DemoTickets, BalanceAfter = DemoTickets,
            Reason = "演示数据：初始礼票", OperatorName = "系统", CreatedAt = now,
        });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Tickets 顾客一 starts with (10 CNY).</summary>
    public const long DemoTickets = 5000;
}
