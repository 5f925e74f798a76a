namespace Registry.Schema.Hooks;

/// <summary>Wakes this process's dispatcher when something is due now (a test, a resend, a re-enabled hook).</summary>
public sealed class HookSignal
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Raise()
    {
        try { _semaphore.Release(); }
        catch (SemaphoreFullException) { }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _semaphore.WaitAsync(timeout, ct);
}
