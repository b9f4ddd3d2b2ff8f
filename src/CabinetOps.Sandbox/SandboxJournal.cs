using System.Collections.Concurrent;

namespace CabinetOps.Sandbox;

/// <summary>One request a simulator received, as the sandbox console shows it.</summary>
public sealed record JournalEntry(DateTimeOffset At, string Simulator, string Method, string Path, int Status, string Summary);

/// <summary>
/// What each simulator has received (the /sandbox console). A simulator's memory is its own
/// business: this is a stand-in for the remote system, not state of CabinetOps.
/// </summary>
public sealed class SandboxJournal(TimeProvider clock)
{
    private const int Capacity = 500;
    private readonly ConcurrentQueue<JournalEntry> _entries = new();

    public void Record(string simulator, string method, string path, int status, string summary)
    {
        _entries.Enqueue(new JournalEntry(clock.GetUtcNow(), simulator, method, path, status, summary));
        while (_entries.Count > Capacity && _entries.TryDequeue(out _))
        {
        }
    }

    public IReadOnlyList<JournalEntry> Latest(int count = 100) => _entries.Reverse().Take(count).ToList();
}
