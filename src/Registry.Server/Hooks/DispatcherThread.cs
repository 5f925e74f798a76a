using System.Collections.Concurrent;

namespace Registry.Server.Hooks;

/// <summary>
/// A thread of the dispatcher's own, with a synchronization context that brings every continuation of its work back to
/// it: fan-out, claims, sends and records never run on the thread pool. On SQLite a write waits for the database's only
/// write lock inside the native busy handler, asleep on its thread; pool threads asleep behind the publish batch's
/// writer made the pool add threads that uploads then paid for in spinning and context switches (docs/performance.md).
/// Here only this thread waits, and uploads keep the pool.
/// </summary>
public sealed class DispatcherThread : SynchronizationContext, IDisposable
{
    private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = new();
    private readonly ILogger _log;

    public DispatcherThread(ILogger log)
    {
        _log = log;
        new Thread(Run) { IsBackground = true, Name = "Webhook dispatcher" }.Start();
    }

    /// <summary>Starts <paramref name="work"/> on the thread; its awaits come back to it.</summary>
    public Task RunAsync(Func<Task> work)
    {
        var started = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(_ =>
        {
            try { started.SetResult(work()); }
            catch (Exception e) { started.SetException(e); }
        }, null);
        return started.Task.Unwrap();
    }

    public override void Post(SendOrPostCallback d, object? state)
    {
        // After Dispose a late continuation (a send finishing during shutdown) runs on the pool instead of being lost.
        if (!_queue.IsAddingCompleted)
            try { _queue.Add((d, state)); return; }
            catch (InvalidOperationException) { }
        ThreadPool.QueueUserWorkItem(s => d(s), state);
    }

    public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException("The dispatcher's work only posts");

    public override SynchronizationContext CreateCopy() => this;

    private void Run()
    {
        SetSynchronizationContext(this);
        foreach (var (callback, state) in _queue.GetConsumingEnumerable())
        {
            // A continuation's exceptions land in its task; this catches what a bare callback throws, so the thread lives on.
            try { callback(state); }
            catch (Exception e) { _log.LogWarning(e, "Webhook dispatcher: a callback failed"); }
        }
    }

    public void Dispose() => _queue.CompleteAdding();
}
