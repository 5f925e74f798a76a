using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Registry.Schema.Data;

namespace Registry.Server.Operations;

/// <summary>
/// Ready only once every migration this build knows is applied: an instance of a newer version waiting on another's
/// migration lock, or pointed at a database nobody migrated, must not get traffic.
/// </summary>
public sealed class MigrationsHealthCheck(RegistryDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0) return HealthCheckResult.Unhealthy($"Migrations not applied: {string.Join(", ", pending)}");
        return HealthCheckResult.Healthy();
    }
}
