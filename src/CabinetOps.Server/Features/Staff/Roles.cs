namespace CabinetOps.Server.Features.Staff;

/// <summary>Per-action permissions. Each feature adds its own as it arrives (STYLE §1, neozhu).</summary>
public static class Permissions
{
    public const string DashboardView = "dashboard.view";
    public const string StaffView = "staff.view";
    public const string StaffManage = "staff.manage";
    public const string AuditView = "audit.view";
    public const string ManualWorkView = "manual-work.view";
    public const string ManualWorkManage = "manual-work.manage";
    public const string StoresView = "stores.view";
    public const string StoresEdit = "stores.edit";
    public const string StoresAdmin = "stores.admin";
    public const string CustomersView = "customers.view";
    public const string CustomersBlock = "customers.block";
    public const string TicketsAdjust = "tickets.adjust";
    public const string DevicesView = "devices.view";
    public const string DevicesManage = "devices.manage";
    public const string ProductsView = "products.view";
    public const string ProductsSync = "products.sync";
    public const string ProductsPrice = "products.price";
    public const string OrdersView = "orders.view";
    public const string OrdersCorrect = "orders.correct";
    public const string OrdersApproveCorrection = "orders.approve-correction";
    public const string ComplaintsView = "complaints.view";
    public const string ComplaintsHandle = "complaints.handle";
    public const string ExceptionsView = "exceptions.view";
    public const string ExceptionsHandle = "exceptions.handle";
    public const string SettingsManage = "settings.manage";

    public static readonly IReadOnlyDictionary<string, string> Labels = new Dictionary<string, string>
    {
        [DashboardView] = "查看首页",
        [StaffView] = "查看账号",
        [StaffManage] = "管理账号",
        [AuditView] = "查看操作日志",
        [ManualWorkView] = "查看人工处理队列",
        [ManualWorkManage] = "处理人工队列",
        [StoresView] = "查看门店",
        [StoresEdit] = "修改门店与门店设置",
        [StoresAdmin] = "新建、停用门店，修改类型与性质",
        [CustomersView] = "查看用户",
        [CustomersBlock] = "拉黑用户",
        [TicketsAdjust] = "发放或扣减礼票",
        [DevicesView] = "查看设备",
        [DevicesManage] = "登记、绑定、解绑、启停设备",
        [ProductsView] = "查看商品",
        [ProductsSync] = "同步 ERP 商品",
        [ProductsPrice] = "设置门店价格",
        [OrdersView] = "查看订单",
        [OrdersCorrect] = "修正订单（退款、补扣）",
        [OrdersApproveCorrection] = "审批超额修正退款",
        [ComplaintsView] = "查看投诉",
        [ComplaintsHandle] = "处理投诉（受理、回复、解决、驳回）",
        [ExceptionsView] = "查看异常订单",
        [ExceptionsHandle] = "处理异常订单（收费、通过、关闭）",
        [SettingsManage] = "修改系统设置（门店默认值、微信支付分开关）",
    };

    public static IEnumerable<string> All => Labels.Keys;
}

/// <summary>The four roles of DESIGN §1 and what each may do by default.</summary>
public static class Roles
{
    public const string Administrator = "admin";
    public const string Operator = "operator";
    public const string Franchisee = "franchisee";
    public const string Finance = "finance";

    public sealed record Definition(string Code, string Name, bool AllStores, IReadOnlyList<string> Permissions);

    public static readonly IReadOnlyList<Definition> Defaults =
    [
        new(Administrator, "管理员", true, [.. Staff.Permissions.All]),
        new(Operator, "运营", true,
            [Staff.Permissions.DashboardView, Staff.Permissions.ManualWorkView, Staff.Permissions.ManualWorkManage,
             Staff.Permissions.StoresView, Staff.Permissions.StoresEdit, Staff.Permissions.StoresAdmin,
             Staff.Permissions.CustomersView, Staff.Permissions.CustomersBlock, Staff.Permissions.TicketsAdjust,
             Staff.Permissions.DevicesView, Staff.Permissions.DevicesManage, Staff.Permissions.ProductsView, Staff.Permissions.ProductsSync,
             Staff.Permissions.ProductsPrice, Staff.Permissions.OrdersView, Staff.Permissions.OrdersCorrect,
             Staff.Permissions.ComplaintsView, Staff.Permissions.ComplaintsHandle, Staff.Permissions.ExceptionsView, Staff.Permissions.ExceptionsHandle]),
        // A franchise manager runs their own stores (within their scope) but does not create or close them.
        new(Franchisee, "加盟商", false,
            [Staff.Permissions.DashboardView, Staff.Permissions.StoresView, Staff.Permissions.StoresEdit, Staff.Permissions.DevicesView,
             Staff.Permissions.DevicesManage, Staff.Permissions.ProductsView, Staff.Permissions.OrdersView, Staff.Permissions.OrdersCorrect,
             Staff.Permissions.ComplaintsView, Staff.Permissions.ComplaintsHandle, Staff.Permissions.ExceptionsView, Staff.Permissions.ExceptionsHandle]),
        new(Finance, "财务", true,
            [Staff.Permissions.DashboardView, Staff.Permissions.StoresView, Staff.Permissions.CustomersView, Staff.Permissions.DevicesView,
             Staff.Permissions.ProductsView, Staff.Permissions.OrdersView, Staff.Permissions.OrdersApproveCorrection,
             Staff.Permissions.ComplaintsView, Staff.Permissions.ExceptionsView]),
    ];

    public static string NameOf(string code) => Defaults.FirstOrDefault(d => d.Code == code)?.Name ?? code;
}
