using System.Text.Encodings.Web;
using System.Text.Json;
using CabinetOps.Server.Features.Staff;
using CabinetOps.Server.Infrastructure.Persistence;

namespace CabinetOps.Server.Features.Audit;

/// <summary>Records key operations with before/after (DESIGN §8).</summary>
public sealed class AuditWriter(CabinetOpsDbContext db, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Adds the entry to the current change set; the caller's SaveChanges commits it with the change it describes.</summary>
    public void Record(StaffActor actor, string action, string targetType, string? targetId, string summary, object? before = null, object? after = null, int? storeId = null)
    {
        db.AuditLog.Add(new AuditEntry
        {
            OccurredAt = clock.GetUtcNow().UtcDateTime,
            ActorId = actor.Id,
            ActorName = actor.Name,
            Action = action,
            TargetType = targetType,
            TargetId = targetId,
            StoreId = storeId,
            Summary = summary.Length > 500 ? summary[..500] : summary,
            BeforeJson = before is null ? null : JsonSerializer.Serialize(before, Json),
            AfterJson = after is null ? null : JsonSerializer.Serialize(after, Json),
            RemoteIp = actor.RemoteIp,
        });
    }

    /// <summary>Records and saves at once, for operations whose change lives outside this DbContext.</summary>
    public async Task WriteAsync(StaffActor actor, string action, string targetType, string? targetId, string summary, object? before = null, object? after = null, CancellationToken ct = default)
    {
        Record(actor, action, targetType, targetId, summary, before, after);
        await db.SaveChangesAsync(ct);
    }
}

public static class AuditActions
{
    public static readonly IReadOnlyDictionary<string, string> Labels = new Dictionary<string, string>
    {
        ["staff.sign-in"] = "登录",
        ["staff.sign-in-failed"] = "登录失败",
        ["staff.locked-out"] = "账号锁定",
        ["staff.create"] = "创建账号",
        ["staff.update"] = "修改账号",
        ["staff.disable"] = "停用账号",
        ["staff.enable"] = "启用账号",
        ["staff.reset-password"] = "重置密码",
        ["store.create"] = "新建门店",
        ["store.update"] = "修改门店",
        ["store.disable"] = "停用门店",
        ["store.enable"] = "启用门店",
        ["tickets.adjust"] = "调整礼票",
        ["device.register"] = "登记设备",
        ["device.bind"] = "绑定设备",
        ["device.move"] = "设备移机",
        ["device.unbind"] = "解绑设备",
        ["device.enable"] = "启用设备",
        ["device.disable"] = "停用设备",
        ["product.sync"] = "立即同步商品",
        ["product.store-price"] = "设置门店价格",
        ["product.store-price-clear"] = "取消门店价格",
        ["customer.block"] = "拉黑用户",
        ["customer.unblock"] = "解除拉黑",
        ["manual-work.retry"] = "人工队列：立即重试",
        ["manual-work.resolve"] = "人工队列：标记已处理",
        ["order.correct"] = "订单修正",
        ["order.correction-request"] = "发起修正（待审批）",
        ["order.correction-approve"] = "审批通过修正",
        ["order.correction-reject"] = "驳回修正",
        ["complaint.take"] = "受理投诉",
        ["complaint.reply"] = "回复投诉",
        ["complaint.resolve"] = "解决投诉",
        ["complaint.reject"] = "驳回投诉",
        ["exception.take"] = "受理异常订单",
        ["exception.resolve"] = "处理异常订单",
        ["settings.update"] = "修改系统设置",
    };

    public static string Label(string action) => Labels.TryGetValue(action, out var l) ? l : action;
}
