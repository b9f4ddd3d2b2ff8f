using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CabinetOps.Server.Infrastructure.Messaging;

/// <summary>
/// Single-use nonces in the database, shared by every node (no replay can slip through a second
/// node). Set-if-absent is one statement; a row whose lifetime has passed may be taken again.
/// </summary>
public sealed class NonceStore(CabinetOpsDbContext db, TimeProvider clock)
{
    /// <summary>True the first time a (source, nonce) is used within its lifetime; false for a replay.</summary>
    public async Task<bool> TryUseAsync(string source, string nonce, TimeSpan lifetime, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = await db.Database.ExecuteSqlRawAsync(
            """
            INSERT INTO used_nonces (source, nonce, expires_at) VALUES ({0}, {1}, {2})
            ON CONFLICT (source, nonce) DO UPDATE SET expires_at = excluded.expires_at WHERE used_nonces.expires_at < {3}
            """, [source, nonce, now + lifetime, now], ct);
        return rows == 1;
    }

    /// <summary>Removes expired nonces (a housekeeping job; the window logic does not depend on it).</summary>
    public Task<int> PurgeExpiredAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return db.UsedNonces.Where(n => n.ExpiresAt < now).ExecuteDeleteAsync(ct);
    }
}
