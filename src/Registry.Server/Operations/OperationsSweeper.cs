using Microsoft.Extensions.Options;
using Registry.Schema;
using Registry.Schema.Diagnostics;
using Registry.Schema.Storage;

namespace Registry.Server.Operations;

/// <summary>
/// Every <see cref="RegistryOptions.SweepInterval"/>, from start: removes partial uploads that crashed processes left
/// (in this instance's store, whichever instance left them) and counts what is stored for the metrics.
/// </summary>
public sealed class OperationsSweeper(IServiceScopeFactory scopes, IBlobStore blobs, RegistryMetrics metrics, IOptions<RegistryOptions> options,
    TimeProvider clock, ILogger<OperationsSweeper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, clock);
        do
        {
            await SweepPartialUploadsAsync(stoppingToken);
            await CountStoredAsync(stoppingToken);
        } while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }

    public async Task SweepPartialUploadsAsync(CancellationToken ct)
    {
        try
        {
            var removed = await blobs.RemovePartialUploadsAsync(clock.GetUtcNow().UtcDateTime - options.Value.PartialUploadMaxIdle, ct);
            metrics.Swept(SweepKind.PartialUploads, removed);
            if (removed > 0) log.LogInformation("Removed {Count} partial uploads that crashed processes left", removed);
            // Resumable (tus) uploads wait for their client up to their expiry, then go the same way.
            await using var scope = scopes.CreateAsyncScope();
            var expired = await scope.ServiceProvider.GetRequiredService<Schema.Uploads.ResumableUploads>().SweepExpiredAsync(ct);
            metrics.Swept(SweepKind.PartialUploads, expired);
            if (expired > 0) log.LogInformation("Removed {Count} expired resumable uploads", expired);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            log.LogWarning(e, "Sweeping partial uploads failed; retrying on the next sweep");
        }
    }

    private async Task CountStoredAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<StoredTotalsCounter>().CountAsync(ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            log.LogWarning(e, "Counting stored packages for the metrics failed; retrying on the next sweep");
        }
    }
}
