using System.Diagnostics;
using Microsoft.Extensions.Options;
using Registry.Server.Operations;

namespace Registry.Server.Hooks;

/// <summary>
/// Gives uploads priority over webhook deliveries. While uploads are in flight on this instance, its sends are spaced
/// to <see cref="HookOptions.DeliveriesPerSecondWhileUploading"/> across all hooks; with none in flight they go at once.
/// Each send waits at most <see cref="MaxWait"/>, so deliveries slow down under a stream of uploads but never stop, and
/// what they do not send meanwhile waits in the database and goes once the uploads pause. Why: each delivery costs about
/// as much CPU as a small upload (a signed POST, a recorded attempt, the receiver's own work on the same machine), and
/// ten hooks make ten of them per upload; on a saturated machine every one sent is an upload not served.
/// </summary>
public sealed class DeliveryPacer(ShutdownDrain uploads, IOptions<HookOptions> options)
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(1);
    private readonly Lock _gate = new();
    private long _nextSlot;

    public bool UploadsInFlight => uploads.UploadsInFlight > 0;

    /// <summary>Returns at once with no upload in flight; else waits for this send's turn (at most <see cref="MaxWait"/>).</summary>
    public Task WaitTurnAsync(CancellationToken ct)
    {
        var rate = options.Value.DeliveriesPerSecondWhileUploading;
        if (!UploadsInFlight || rate <= 0) return Task.CompletedTask;
        // Real time, not the registry's clock (which tests may stop): this paces work on the machine.
        var interval = (long)(Stopwatch.Frequency / rate);
        var maxWait = (long)(Stopwatch.Frequency * MaxWait.TotalSeconds);
        long now, slot;
        lock (_gate)
        {
            now = Stopwatch.GetTimestamp();
            // Turns are handed out in order; one more than MaxWait ahead is taken at MaxWait (so the queue never grows
            // without bound, and a burst of uploads after a quiet hour does not find turns reserved far ahead).
            slot = Math.Min(Math.Max(now, _nextSlot), now + maxWait);
            _nextSlot = slot + interval;
        }
        return slot <= now ? Task.CompletedTask : Task.Delay(Stopwatch.GetElapsedTime(now, slot), ct);
    }
}
