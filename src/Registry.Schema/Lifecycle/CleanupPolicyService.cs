using Microsoft.EntityFrameworkCore;
using Registry.Schema.Access;
using Registry.Schema.Audit;
using Registry.Schema.Data;
using Registry.Schema.Identity;
using Registry.Schema.Packages;

namespace Registry.Schema.Lifecycle;

/// <summary>
/// GitLab's packages cleanup policy (<c>Packages::Cleanup::ExecutePolicyService</c>): within each package, of the
/// files sharing a name only the newest N stay; the others are marked for destruction. Runs every 12 hours per project
/// (<see cref="PackageLifecycleRunner"/>) and on demand.
/// </summary>
public sealed class CleanupPolicyService(RegistryDbContext db, ProjectMaintenance maintenance, PackageDestroyer destroyer, AuditLog audit,
    TimeProvider clock)
{
    public const string SystemAuthor = "Packages cleanup policy";

    /// <summary>The project's policy; GitLab's default (keep all files, no run scheduled) until somebody changes it.</summary>
    public async Task<PackagesCleanupPolicy> GetAsync(long projectId, CancellationToken ct) =>
        await db.PackagesCleanupPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.ProjectId == projectId, ct)
        ?? new PackagesCleanupPolicy { ProjectId = projectId, KeepNDuplicatedPackageFiles = KeepDuplicatedPackageFiles.All };

    public async Task<PackagesCleanupPolicy> UpdateAsync(Actor actor, string projectPath, KeepDuplicatedPackageFiles? keep, CancellationToken ct)
    {
        var project = await maintenance.FindAsync(actor, projectPath, ct);
        // Two first updates may race to create the row: the loser applies its change to the row that won.
        return await db.RetryAsync(async _ =>
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var policy = await db.PackagesCleanupPolicies.FirstOrDefaultAsync(p => p.ProjectId == project.Id, ct);
            if (policy is null)
            {
                policy = new PackagesCleanupPolicy { ProjectId = project.Id, KeepNDuplicatedPackageFiles = KeepDuplicatedPackageFiles.All };
                db.PackagesCleanupPolicies.Add(policy);
            }
            if (keep is { } k) policy.KeepNDuplicatedPackageFiles = k;
            // GitLab's Schedulable sets the next run on every save: a fixed cadence of 12 hours.
            policy.NextRunAt = now + PackagesCleanupPolicy.Cadence;
            policy.UpdatedAt = now;
            audit.Add(actor, AuditEntity.For(project), AuditEventNames.CleanupPolicyUpdated, new AuditTarget("Packages::Cleanup::Policy", project.Id, project.FullPath),
                new Dictionary<string, object?> { ["keep_n_duplicated_package_files"] = KeepValue(policy.KeepNDuplicatedPackageFiles) });
            await db.SaveChangesAsync(ct);
            return policy;
        }, ct);
    }

    /// <summary>Runs the policy now for a Maintainer (beyond GitLab, which only runs it on its schedule).</summary>
    public async Task<int> RunNowAsync(Actor actor, string projectPath, CancellationToken ct)
    {
        var project = await maintenance.FindAsync(actor, projectPath, ct);
        return await ExecuteAsync(project, await GetAsync(project.Id, ct), ct);
    }

    /// <summary>Marks the duplicated files the policy does not keep and schedules the next run; returns files marked.</summary>
    public async Task<int> ExecuteAsync(Project project, PackagesCleanupPolicy policy, CancellationToken ct)
    {
        var keep = (int)policy.KeepNDuplicatedPackageFiles;
        var marked = 0;
        if (policy.KeepNDuplicatedPackageFiles != KeepDuplicatedPackageFiles.All)
        {
            var installable = db.PackageFiles.AsNoTracking().Where(f => f.Package.ProjectId == project.Id
                && f.Status == PackageFileStatus.Default && f.Package.Status != PackageStatus.PendingDestruction);
            var duplicated = await installable.GroupBy(f => new { f.PackageId, f.FileName })
                .Where(g => g.Count() > keep).Select(g => g.Key).ToListAsync(ct);
            foreach (var group in duplicated.GroupBy(d => d.PackageId))
            {
                var names = group.Select(d => d.FileName).ToList();
                var files = await installable.Include(f => f.Package).ThenInclude(p => p.Project)
                    .Where(f => f.PackageId == group.Key && names.Contains(f.FileName)).ToListAsync(ct);
                // GitLab keeps the most recent files: the highest ids.
                var surplus = files.GroupBy(f => f.FileName).SelectMany(g => g.OrderByDescending(f => f.Id).Skip(keep)).ToList();
                await destroyer.MarkFilesAsync(AuditLog.System, surplus, AuditEventNames.PackageFilesDestroyedByCleanupPolicy, SystemAuthor, ct,
                    new Dictionary<string, object?> { ["keep_n_duplicated_package_files"] = KeepValue(policy.KeepNDuplicatedPackageFiles) });
                marked += surplus.Count;
            }
        }
        var now = clock.GetUtcNow().UtcDateTime;
        await db.PackagesCleanupPolicies.Where(p => p.ProjectId == project.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.NextRunAt, now + PackagesCleanupPolicy.Cadence), ct);
        return marked;
    }

    /// <summary>GitLab's stored form of the setting: <c>all</c>, <c>1</c>, <c>10</c> ... <c>50</c>.</summary>
    public static string KeepValue(KeepDuplicatedPackageFiles keep) => keep == KeepDuplicatedPackageFiles.All ? "all" : ((int)keep).ToString();
}
