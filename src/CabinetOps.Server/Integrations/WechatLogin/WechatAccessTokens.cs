using CabinetOps.Server.Infrastructure.Persistence;
using CabinetOps.Server.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace CabinetOps.Server.Integrations.WechatLogin;

/// <summary>
/// The one central holder of the WeChat access token (miniprogram-login.md §2): the stable token in
/// normal mode, stored encrypted in the database so every node shares it, refreshed when it has
/// less than five minutes left, and force-refreshed once when WeChat answers 40001.
/// </summary>
public sealed class WechatAccessTokens(CabinetOpsDbContext db, WechatLoginClient client, PersonalDataProtector protector, TimeProvider clock)
{
    private const string TokenName = "wechat.access_token";
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    public async Task<WechatPhone> GetPhoneNumberAsync(string code, CancellationToken ct)
    {
        var token = await GetAsync(forceRefresh: false, ct);
        try
        {
            return await client.GetPhoneNumberAsync(token, code, ct);
        }
        catch (WechatApiException e) when (e.ErrCode == WechatApiException.InvalidCredential)
        {
            return await client.GetPhoneNumberAsync(await GetAsync(forceRefresh: true, ct), code, ct);
        }
    }

    private async Task<string> GetAsync(bool forceRefresh, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var stored = await db.IntegrationTokens.FirstOrDefaultAsync(t => t.Name == TokenName, ct);
        if (!forceRefresh && stored is not null && stored.ExpiresAt - RefreshMargin > now)
            return protector.Unprotect(stored.ProtectedValue);

        // Normal mode returns the same token to every node while it is valid, so two nodes
        // refreshing at once agree; only the 40001 path forces a new one.
        var reply = await client.FetchStableTokenAsync(forceRefresh, ct);
        if (stored is null)
        {
            stored = new IntegrationToken { Name = TokenName, ProtectedValue = "" };
            db.IntegrationTokens.Add(stored);
        }

        stored.ProtectedValue = protector.Protect(reply.AccessToken!);
        stored.ExpiresAt = now.AddSeconds(reply.ExpiresIn);
        stored.UpdatedAt = now;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another node stored the same stable token first; ours is equally valid.
            db.ChangeTracker.Clear();
        }

        return reply.AccessToken!;
    }
}
