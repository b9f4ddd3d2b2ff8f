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

    public InjectedFailure Next() =>
        _rate <= 0 || Random.Shared.NextDouble() >= _rate ? InjectedFailure.None
        : Random.Shared.Next(2) == 0 ? InjectedFailure.BeforeAction : InjectedFailure.AfterAction;
}
