using Registry.Schema.Packages;

namespace Registry.Server.Storage;

/// <summary>
/// Finishes deletions in the background: removes the blobs and rows of files marked for destruction. Runs at start
/// (finishing what a crash interrupted), soon after each deletion, and once a minute.
/// </summary>
public sealed class DestroyedFileSweeper(IServiceScopeFactory scopes, DestroySignal signal, ILogger<DestroyedFileSweeper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<PackageDestroyer>().SweepAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    log.LogWarning(ex, "Sweeping destroyed package files failed; retrying later");
                }
                await signal.WaitAsync(TimeSpan.FromMinutes(1), stoppingToken);
            }
        }
        catch (OperationCanceledException) { }
    }
}
