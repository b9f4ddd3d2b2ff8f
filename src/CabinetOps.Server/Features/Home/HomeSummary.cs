using CabinetOps.Server.Features.Staff;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Wolverine.Persistence.Durability;
using Wolverine.Persistence.Durability.DeadLetterManagement;

namespace CabinetOps.Server.Features.Home;

public sealed record HomeSummaryView(int Stores, int Devices, int DevicesOnline, int Customers, int? ManualWorkOpen);

/// <summary>首页 figures, within the viewer's store data scope.</summary>
public sealed class HomeSummary(CabinetOpsDbContext db, IMessageStore messages)
{
    public async Task<HomeSummaryView> GetAsync(StaffActor viewer, CancellationToken ct)
    {
        var stores = db.Stores.AsNoTracking().Where(s => s.IsEnabled);
        var devices = db.Devices.AsNoTracking();
        if (!viewer.AllStores)
        {
            var scope = viewer.StoreIds.ToList();
            stores = stores.Where(s => scope.Contains(s.Id));
            devices = devices.Where(d => d.StoreId != null && scope.Contains(d.StoreId.Value));
        }

        int? manual = null;
        if (viewer.Can(Permissions.ManualWorkView))
            manual = (int)(await messages.DeadLetters.QueryAsync(new DeadLetterEnvelopeQuery { PageSize = 1, Archived = DeadLetterArchiveFilter.Exclude }, ct)).TotalCount;
        return new HomeSummaryView(
            await stores.CountAsync(ct),
            await devices.CountAsync(ct),
            await devices.CountAsync(d => d.OnlineStatus, ct),
            viewer.AllStores ? await db.Customers.CountAsync(ct) : 0,
            manual);
    }
}
