using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Wolverine;

namespace CabinetOps.Server.Infrastructure.Messaging;

/// <summary>
/// How a webhook takes in a new push before acknowledging it (DESIGN §7): first it is applied at
/// once — <paramref name="apply"/> is a Wolverine message whose handler inserts the push's
/// <see cref="InboundMessage"/> row and applies it in one transaction, inline in the request, so the
/// common case is one commit and no queue round trip. If that fails, nothing of it was committed,
/// and the row is stored with <paramref name="retry"/>, durable work that applies it later on the
/// retry schedule. Either way the push is committed before the answer.
/// Once a verified push is being taken in, the sender hanging up (its timeout under load) does not
/// stop it: the work is finished and committed, and the sender's retry is answered as a duplicate
/// instead of doing it all again. Only the server's own shutdown cancels it.
/// </summary>
public static class InboundIntake
{
    /// <summary>True when taken in (applied or stored); false when a parallel delivery of the same push had already stored it.</summary>
    public static async Task<bool> AcceptAsync(InboundMessage row, object apply, IExternalWork retry, UnitOfWork work, IMessageBus bus, IServiceProvider services,
        ILogger logger)
    {
        var ct = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        try
        {
            await bus.InvokeAsync(apply, ct);
            return true;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning(ex, "{Source} push {Type} {Id} not applied at once; stored for durable processing", row.Source, row.MessageType, row.MessageId);
        }

        work.Db.InboundMessages.Add(row);
        await work.EnqueueAsync(retry);
        try
        {
            await work.CommitAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            // The same push arrived twice at once (two nodes, or a retry racing the first attempt).
            await using var scope = services.CreateAsyncScope();
            if (await scope.ServiceProvider.GetRequiredService<CabinetOpsDbContext>().IsStoredAsync(row.Source, row.MessageId, ct))
                return false;
            throw;
        }
    }
}
