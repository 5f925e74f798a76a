using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Registry.Schema.Data;

namespace Registry.Schema.Lifecycle;

/// <summary>
/// Runs what is due: cleanup policies (every 12 hours per project, as GitLab) and retention rules (likewise). The
/// caller holds the lifecycle lease, so among instances sharing a database only one runs them at a time.
/// </summary>
public sealed class PackageLifecycleRunner(RegistryDbContext db, CleanupPolicyService cleanup, RetentionRuleService retention,
    TimeProvider clock, ILogger<PackageLifecycleRunner> log)
{
    public const string LeaseName = "package-lifecycle";

    /// <returns>files marked by cleanup policies and packages marked by retention rules</returns>
    public async Task<(int Files, int Packages)> RunDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var files = 0;
        var policies = await db.PackagesCleanupPolicies.AsNoTracking()
            .Where(p => p.KeepNDuplicatedPackageFiles != KeepDuplicatedPackageFiles.All && p.NextRunAt != null && p.NextRunAt <= now)
            .OrderBy(p => p.NextRunAt).ToListAsync(ct);
        foreach (var policy in policies)
        {
            var project = await db.Projects.AsNoTracking().FirstAsync(p => p.Id == policy.ProjectId, ct);
            files += await cleanup.ExecuteAsync(project, policy, ct);
        }

        var packages = 0;
        var dueProjects = await db.PackageRetentionRules.AsNoTracking()
            .Where(r => r.Enabled && r.NextRunAt != null && r.NextRunAt <= now).Select(r => r.ProjectId).Distinct().ToListAsync(ct);
        foreach (var projectId in dueProjects)
        {
            var rules = (await retention.RulesOfAsync(projectId, ct)).Where(r => r.Enabled && r.NextRunAt <= now).ToList();
            packages += (await retention.ExecuteAsync(projectId, rules, ct)).Count;
        }
        if (files + packages > 0)
            log.LogInformation("Package lifecycle: cleanup policies marked {Files} files, retention rules {Packages} packages", files, packages);
        return (files, packages);
    }
}
