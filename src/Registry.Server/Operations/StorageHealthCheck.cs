using Microsoft.Extensions.Diagnostics.HealthChecks;
using Registry.Schema.Storage;
using Registry.Server.Storage;

namespace Registry.Server.Operations;

/// <summary>
/// Ready only while the blob store answers (the folder is there and writable, the bucket reachable). An outage is
/// reported through <see cref="StorageOutage"/> (a warning a minute) and answered Degraded, which readiness counts as
/// failed: the health-check service would log an Unhealthy result as an error on every probe.
/// </summary>
public sealed class StorageHealthCheck(IBlobStore blobs, StorageOutage outage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await blobs.ProbeAsync(cancellationToken);
        }
        catch (Exception e) when (StorageUnavailable.Is(e) || InsufficientStorage.Is(e))
        {
            outage.Failed(e, "readiness");
            return HealthCheckResult.Degraded("storage unavailable");
        }
        outage.Succeeded();
        return HealthCheckResult.Healthy();
    }
}
