using Microsoft.Extensions.Diagnostics.HealthChecks;
using Registry.Schema.Storage;

namespace Registry.Server.Operations;

/// <summary>Ready only while the blob store answers (the folder is there and writable, the bucket reachable).</summary>
public sealed class StorageHealthCheck(IBlobStore blobs) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await blobs.ProbeAsync(cancellationToken);
        return HealthCheckResult.Healthy();
    }
}
