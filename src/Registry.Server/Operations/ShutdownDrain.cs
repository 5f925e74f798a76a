using Microsoft.Extensions.Options;
using System.Diagnostics.Metrics;
using Registry.Schema;
using Registry.Schema.Diagnostics;

namespace Registry.Server.Operations;

/// <summary>
/// Graceful shutdown (SIGTERM, Ctrl+C, a stop of the host): new uploads are refused with 503 and readiness fails, while
/// uploads already running get up to <see cref="RegistryOptions.ShutdownGracePeriod"/> to finish before the listener
/// closes. Everything else is served as usual meanwhile.
/// </summary>
public sealed class ShutdownDrain : IHostedLifecycleService
{
    private readonly IOptions<RegistryOptions> options;
    private readonly ILogger<ShutdownDrain> log;
    private int _uploadsInFlight;

    public ShutdownDrain(IOptions<RegistryOptions> options, ILogger<ShutdownDrain> log, IMeterFactory meters)
    {
        this.options = options;
        this.log = log;
        // What a drain would wait for, and what an operator sees before restarting an instance.
        meters.Create(RegistryMetrics.MeterName).CreateObservableGauge("registry.uploads.in_flight", () => UploadsInFlight,
            "{upload}", "Uploads being received right now");
    }

    private volatile bool _draining;
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsDraining => _draining;
    public int UploadsInFlight => Volatile.Read(ref _uploadsInFlight);

    /// <summary>Counts an upload in; false when draining (refuse it).</summary>
    public bool TryEnterUpload()
    {
        Interlocked.Increment(ref _uploadsInFlight);
        if (!_draining) return true;
        ExitUpload();
        return false;
    }

    public void ExitUpload()
    {
        if (Interlocked.Decrement(ref _uploadsInFlight) == 0 && _draining) _idle.TrySetResult();
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        var running = UploadsInFlight;
        if (running == 0) return;
        var grace = options.Value.ShutdownGracePeriod;
        log.LogInformation("Shutting down: waiting up to {Grace} for {Count} uploads in flight", grace, running);
        try
        {
            await _idle.Task.WaitAsync(grace, cancellationToken);
            log.LogInformation("Shutting down: the uploads in flight finished");
        }
        catch (TimeoutException)
        {
            log.LogWarning("Shutting down: {Count} uploads still running after the grace period of {Grace} are cut off", UploadsInFlight, grace);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
