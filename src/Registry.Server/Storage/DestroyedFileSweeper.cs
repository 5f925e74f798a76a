using Microsoft.Extensions.Options;
using Registry.Schema;
using Registry.Schema.Diagnostics;
using Registry.Schema.Packages;

namespace Registry.Server.Storage;

/// <summary>
/// Finishes deletions in the background: removes the blobs and rows of files marked for destruction. Runs at start
/// (finishing what a crash interrupted), soon after each deletion, and every <see cref="RegistryOptions.SweepInterval"/>;
/// at start and every six hours it also removes blobs that no row refers to.
/// </summary>
public sealed class DestroyedFileSweeper(IServiceScopeFactory scopes, DestroySignal signal, RegistryMetrics metrics, IOptions<RegistryOptions> options,
    ILogger<DestroyedFileSweeper> log) : BackgroundService
{
    private static readonly TimeSpan OrphanCollectionInterval = TimeSpan.FromHours(6);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextOrphanCollection = DateTime.MinValue;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    metrics.Swept(SweepKind.DestroyedFiles, await scope.ServiceProvider.GetRequiredService<PackageDestroyer>().SweepAsync(stoppingToken));
                    if (DateTime.UtcNow >= nextOrphanCollection)
                    {
                        metrics.Swept(SweepKind.OrphanBlobs, await scope.ServiceProvider.GetRequiredService<OrphanBlobCollector>().CollectAsync(stoppingToken));
                        nextOrphanCollection = DateTime.UtcNow + OrphanCollectionInterval;
                    }
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    log.LogWarning(ex, "Sweeping destroyed package files failed; retrying later");
                }
                await signal.WaitAsync(options.Value.SweepInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) { }
    }
}
