namespace CabinetOps.Sandbox;

/// <summary>When an injected failure strikes a call: not at all, before it acts, or after it acted (the answer is lost).</summary>
public enum InjectedFailure
{
    None,
    BeforeAction,
    AfterAction,
}

/// <summary>
/// Fault "random failures" shared by the simulators: a share of API calls answers 5xx. Half of
/// those fail before acting and half after acting (an answer lost on the way), because the second
/// kind is the one that tests a caller's idempotency.
/// </summary>
public sealed class RandomFailures
{
    private double _rate;

    /// <summary>0 (off) to 1 (every call).</summary>
    public double Rate
    {
        get => _rate;
        set => _rate = Math.Clamp(value, 0, 1);
    }

    private int _failNext;
    private int _loseNext;

    /// <summary>The next this many calls fail before acting (then the rate applies again).</summary>
    public int FailNext
    {
        get => Volatile.Read(ref _failNext);
        set => Volatile.Write(ref _failNext, Math.Max(0, value));
    }

    /// <summary>The next this many calls act and lose their answer: a test sets up exactly the case it needs.</summary>
    public int LoseNext
    {
        get => Volatile.Read(ref _loseNext);
        set => Volatile.Write(ref _loseNext, Math.Max(0, value));
    }

    public InjectedFailure Next() =>
        Take(ref _failNext) ? InjectedFailure.BeforeAction
        : Take(ref _loseNext) ? InjectedFailure.AfterAction
        : _rate <= 0 || Random.Shared.NextDouble() >= _rate ? InjectedFailure.None
        : Random.Shared.Next(2) == 0 ? InjectedFailure.BeforeAction : InjectedFailure.AfterAction;

    /// <summary>Takes one from a counter that is above zero; false when it is zero.</summary>
    private static bool Take(ref int counter)
    {
        while (true)
        {
            var n = Volatile.Read(ref counter);
            if (n <= 0)
                return false;
            if (Interlocked.CompareExchange(ref counter, n - 1, n) == n)
                return true;
        }
    }
}
