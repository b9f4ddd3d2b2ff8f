using CabinetOps.Server.Features.Audit;
using CabinetOps.Server.Features.Staff;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Messaging;
using Wolverine.Runtime;
using Wolverine.Persistence.Durability;
using Wolverine.Persistence.Durability.DeadLetterManagement;

namespace CabinetOps.Server.Features.ManualWork;

/// <summary>One unit of work that exhausted its retries and waits for staff (转人工).</summary>
public sealed record ManualWorkItem(
    Guid Id,
    string WorkType,
    string Description,
    string? ExceptionType,
    string? ExceptionMessage,
    DateTimeOffset? FailedAt,
    bool RetryRequested,
    bool Resolved);

public sealed record ManualWorkPage(IReadOnlyList<ManualWorkItem> Items, int Total, int Page, int PageSize);

public sealed record ResolveManualWorkRequest(string? Note);

/// <summary>
/// The 人工处理队列: Wolverine's dead-letter storage, read and acted on through its own API. "Retry
/// now" marks the envelope replayable (the durability agent runs it again on one node); "mark
/// resolved" archives it, keeping the record. Both are audited.
/// </summary>
public sealed class ManualWorkQueue(IMessageStore store, IWolverineRuntime runtime, AuditWriter audit)
{
    public async Task<ManualWorkPage> ListAsync(int page, int pageSize, bool includeResolved, CancellationToken ct)
    {
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, 100);
        var results = await store.DeadLetters.QueryAsync(new DeadLetterEnvelopeQuery
        {
            PageNumber = page,
            PageSize = pageSize,
            Archived = includeResolved ? DeadLetterArchiveFilter.Any : DeadLetterArchiveFilter.Exclude,
        }, ct);
        var items = results.Envelopes.Select(ToItem).ToList();
        return new ManualWorkPage(items, (int)results.TotalCount, page, pageSize);
    }

    public async Task<Result<ManualWorkItem>> RetryAsync(StaffActor actor, Guid id, CancellationToken ct)
    {
        var item = await FindAsync(id, ct);
        if (item is null)
            return Problem.NotFound("待处理任务");
        if (item.Resolved)
            return Problem.Conflict("manual-work-resolved", "该任务已标记为已处理，不能重试");
        await store.DeadLetters.ReplayMatchingAsync(new DeadLetterEnvelopeQuery { MessageIds = [id] }, ct);
        await audit.WriteAsync(actor, "manual-work.retry", "ManualWork", id.ToString(), $"立即重试：{item.Description}", before: item, after: null, ct: ct);
        return item with { RetryRequested = true };
    }

    public async Task<Result<ManualWorkItem>> ResolveAsync(StaffActor actor, Guid id, string? note, CancellationToken ct)
    {
        var item = await FindAsync(id, ct);
        if (item is null)
            return Problem.NotFound("待处理任务");
        if (item.Resolved)
            return Problem.Conflict("manual-work-resolved", "该任务已标记为已处理");
        await store.DeadLetters.ArchiveMatchingAsync(new DeadLetterEnvelopeQuery { MessageIds = [id] }, ct);
        var summary = string.IsNullOrWhiteSpace(note) ? $"标记已处理：{item.Description}" : $"标记已处理：{item.Description}（{note.Trim()}）";
        await audit.WriteAsync(actor, "manual-work.resolve", "ManualWork", id.ToString(), summary, before: item, after: new { note }, ct: ct);
        return item with { Resolved = true };
    }

    private async Task<ManualWorkItem?> FindAsync(Guid id, CancellationToken ct)
    {
        var results = await store.DeadLetters.QueryAsync(new DeadLetterEnvelopeQuery { MessageIds = [id], Archived = DeadLetterArchiveFilter.Any }, ct);
        return results.Envelopes.Select(ToItem).FirstOrDefault();
    }

    private ManualWorkItem ToItem(DeadLetterEnvelope e) => new(
        e.Id,
        e.MessageType ?? "unknown",
        MessageOf(e) is IExternalWork w ? w.Describe() : (e.MessageType ?? "未知任务"),
        e.ExceptionType,
        e.ExceptionMessage,
        e.FailedAt,
        e.Replayable,
        e.ArchivedAt is not null);

    /// <summary>Dead-letter queries return the stored body, not always the message: read it back.</summary>
    private object? MessageOf(DeadLetterEnvelope e)
    {
        if (e.Message is not null)
            return e.Message;
        if (e.Envelope?.Data is not { Length: > 0 } || e.MessageType is null || ExternalWorkTypes.Find(e.MessageType) is not { } type)
            return null;
        try
        {
            return runtime.Options.DefaultSerializer.ReadFromData(type, e.Envelope);
        }
        catch (Exception)
        {
            // A body that no longer reads (the type changed since) still shows, by its type name.
            return null;
        }
    }
}

/// <summary>Finds a unit-of-work type by Wolverine's message type name (its full name by default).</summary>
internal static class ExternalWorkTypes
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Type?> Cache = new();

    public static Type? Find(string messageType) => Cache.GetOrAdd(messageType, name => AppDomain.CurrentDomain.GetAssemblies()
        .Where(a => !a.IsDynamic)
        .SelectMany(a =>
        {
            try
            {
                return a.GetExportedTypes();
            }
            catch (System.Reflection.ReflectionTypeLoadException)
            {
                return [];
            }
        })
        .FirstOrDefault(t => typeof(IExternalWork).IsAssignableFrom(t) && t.FullName == name));
}
