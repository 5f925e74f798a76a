using Microsoft.Extensions.Options;
using Registry.Schema;
using Registry.Schema.Lifecycle;
using Registry.Schema.Storage;

namespace Registry.Server.Lifecycle;

/// <summary>
/// Keeps content-addressed storage tidy while the registry serves: at start, and every ten minutes after (an older
/// instance may still be writing during a rolling upgrade), moves files from before content addressing onto content
/// blobs (one instance at a time, under a lease); and measures what storage saves for the metrics every
/// <see cref="RegistryOptions.SweepInterval"/>.
/// </summary>
public sealed class ContentMigrationService(IServiceScopeFactory scopes, InstanceIdentity instance, IOptions<RegistryOptions> options,
    ILogger<ContentMigrationService> log) : BackgroundService
{
    public const string LeaseName = "content-migration";
    private static readonly TimeSpan MigrationInterval = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromHours(1);

    /// <summary>Set once the first migration pass after start has finished (for operators and tests).</summary>
    public TaskCompletionSource FirstPass { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextMigration = DateTime.MinValue;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (DateTime.UtcNow >= nextMigration && await MigrateAsync(stoppingToken))
                {
                    nextMigration = DateTime.UtcNow + MigrationInterval;
                    FirstPass.TrySetResult();
                }
                await MeasureAsync(stoppingToken);
                await Task.Delay(options.Value.SweepInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <returns>whether a pass ran to its end (or another instance holds the lease and does it)</returns>
    private async Task<bool> MigrateAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var leases = scope.ServiceProvider.GetRequiredService<LeaseService>();
            if (!await leases.TryAcquireAsync(LeaseName, instance.Id, LeaseDuration, ct)) return true;
            try
            {
                await scope.ServiceProvider.GetRequiredService<LegacyBlobMigrator>().MigrateAsync(ct);
                await scope.ServiceProvider.GetRequiredService<ContentStore>().CollectUnreferencedAsync(ct);
            }
            finally
            {
                await leases.ReleaseAsync(LeaseName, instance.Id, CancellationToken.None);
            }
            return true;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            log.LogWarning(ex, "Moving package files onto content-addressed storage failed; retrying later");
            return false;
        }
    }

    private async Task MeasureAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<StorageStatistics>().MeasureAsync(ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            log.LogDebug(ex, "Measuring package storage failed; retrying later");
        }
    }
}
