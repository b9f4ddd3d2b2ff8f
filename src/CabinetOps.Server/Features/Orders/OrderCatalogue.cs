using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CabinetOps.Server.Features.Orders;

/// <summary>Our price of products in a store (its own price where set, else the ERP's): what an order push and a correction charge.</summary>
public static class OrderCatalogue
{
    public static async Task<Dictionary<string, CataloguePrice>> CataloguePricesAsync(this CabinetOpsDbContext db, int storeId, IEnumerable<string> productCodes,
        CancellationToken ct)
    {
        var codes = productCodes.Where(c => c.Length > 0).Distinct().ToList();
        return await (from p in db.Products.AsNoTracking()
                      where codes.Contains(p.ProductCode)
                      select new
                      {
                          p.ProductCode,
                          p.Id,
                          p.Name,
                          Price = db.StoreProductPrices.Where(sp => sp.StoreId == storeId && sp.ProductId == p.Id).Select(sp => (Money?)sp.Price).FirstOrDefault() ?? p.Price,
                      }).ToDictionaryAsync(p => p.ProductCode, p => new CataloguePrice(p.Id, p.Name, p.Price), ct);
    }
}
