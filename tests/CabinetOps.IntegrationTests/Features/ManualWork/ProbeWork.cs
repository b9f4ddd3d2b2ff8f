using System.Collections.Concurrent;
using CabinetOps.Server.Infrastructure.Messaging;

namespace CabinetOps.IntegrationTests.Features.ManualWork;

/// <summary>
/// A test unit of work standing in for a call to another system: it fails its first
/// <see cref="FailTimes"/> attempts, as a vendor outage would, then succeeds.
/// </summary>
public sealed record ProbeWork(Guid Id, int FailTimes, bool HangOnFirstAttempt = false) : IExternalWork
{
    public string Describe() => $"测试任务 {Id:N}";
}

public sealed record ProbeAttempt(DateTimeOffset At, string Host, bool Succeeded);

public sealed class ProbeFailure(string message) : Exception(message);

public static class ProbeWorkHandler
{
    public static readonly ConcurrentDictionary<Guid, ConcurrentQueue<ProbeAttempt>> Attempts = new();

    /// <summary>Signalled when a hanging attempt has started, so a test can "crash" the host mid-work.</summary>
    public static readonly ConcurrentDictionary<Guid, TaskCompletionSource> Hanging = new();

    public static async Task Handle(ProbeWork work, TestSupport.HostTag host)
    {
        var attempts = Attempts.GetOrAdd(work.Id, _ => new ConcurrentQueue<ProbeAttempt>());
        if (work.HangOnFirstAttempt && attempts.IsEmpty && Hanging.TryAdd(work.Id, new TaskCompletionSource()))
        {
            attempts.Enqueue(new ProbeAttempt(DateTimeOffset.UtcNow, host.Name, false));
            Hanging[work.Id].SetResult();
            // The process "dies" here: the attempt never finishes and never reports.
            await new TaskCompletionSource().Task;
        }

        var failing = attempts.Count(a => !a.Succeeded) < work.FailTimes;
        attempts.Enqueue(new ProbeAttempt(DateTimeOffset.UtcNow, host.Name, !failing));
        if (failing)
            throw new ProbeFailure($"模拟外部系统故障（第 {attempts.Count} 次）");
    }

    public static IReadOnlyList<ProbeAttempt> Of(Guid id) => Attempts.TryGetValue(id, out var q) ? q.ToList() : [];
}
