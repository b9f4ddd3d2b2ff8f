using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CabinetOps.Server.Features.Stores;

public sealed record StoreOption(int Id, string StoreCode, string StoreName);

/// <summary>Store choices for pickers (assigning a franchise manager's stores).</summary>
public sealed class StoreLookup(CabinetOpsDbContext db)
{
    public async Task<IReadOnlyList<StoreOption>> ListAsync(CancellationToken ct) =>
        await db.Stores.AsNoTracking().OrderBy(s => s.StoreCode).Select(s => new StoreOption(s.Id, s.StoreCode, s.StoreName)).ToListAsync(ct);
}
