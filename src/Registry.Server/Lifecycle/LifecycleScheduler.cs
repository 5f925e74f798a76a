using Microsoft.Extensions.Options;
using Registry.Schema;
using Registry.Schema.Lifecycle;

namespace Registry.Server.Lifecycle;

/// <summary>
/// Runs due cleanup policies and retention rules (each every 12 hours per project). Every instance looks each
/// <see cref="RegistryOptions.SweepInterval"/>, but only the one holding the database lease runs them, so
/// instances sharing a database never run a policy twice at once.
/// </summary>
public sealed class LifecycleScheduler(IServiceScopeFactory scopes, InstanceIdentity instance, IOptions<RegistryOptions> options,
    ILogger<LifecycleScheduler> log) : BackgroundService
{
    /// <summary>Longer than any run; a holder that dies mid-run frees the lease when it expires.</summary>
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await RunOnceAsync(stoppingToken);
                await Task.Delay(options.Value.SweepInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) { }
    }

    private async Task RunOnceAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var leases = scope.ServiceProvider.GetRequiredService<LeaseService>();
            if (!await leases.TryAcquireAsync(PackageLifecycleRunner.LeaseName, instance.Id, LeaseDuration, ct)) return;
            try
            {
                await scope.ServiceProvider.GetRequiredService<PackageLifecycleRunner>().RunDueAsync(ct);
            }
            finally
            {
                await leases.ReleaseAsync(PackageLifecycleRunner.LeaseName, instance.Id, CancellationToken.None);
            }
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            log.LogWarning(ex, "Running due cleanup policies and retention rules failed; retrying later");
        }
    }
}
