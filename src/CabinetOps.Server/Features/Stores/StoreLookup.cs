using CabinetOps.Server.Features.Staff;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CabinetOps.Server.Features.Stores;

public sealed record StoreOption(int Id, string StoreCode, string StoreName);

/// <summary>Store choices for pickers, limited to what the acting staff member may see.</summary>
public sealed class StoreLookup(CabinetOpsDbContext db)
{
    public async Task<IReadOnlyList<StoreOption>> ListAsync(StaffActor actor, CancellationToken ct)
    {
        var q = db.Stores.AsNoTracking();
        if (!actor.AllStores)
        {
            var scope = actor.StoreIds.ToList();
            q = q.Where(s => scope.Contains(s.Id));
        }

        return await q.OrderBy(s => s.StoreCode).Select(s => new StoreOption(s.Id, s.StoreCode, s.StoreName)).ToListAsync(ct);
    }
}
