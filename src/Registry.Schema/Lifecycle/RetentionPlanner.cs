using Microsoft.EntityFrameworkCore;
using Registry.Schema.Data;
using Registry.Schema.Packages;

namespace Registry.Schema.Lifecycle;

/// <summary>A package retention would delete, with the rules that select it.</summary>
public sealed record RetentionCandidate(Package Package, IReadOnlyList<long> RuleIds);

/// <summary>
/// Decides what retention rules delete: the one computation behind both the dry run and the real run, so the dry run
/// lists exactly what a run at that moment deletes. Only packages that are visible (default or hidden) are considered;
/// a name that any protection rule matches is never selected; the newest version of a name (by
/// <see cref="VersionOrder"/>, the newest overall and the newest that <c>latest</c> serves) is kept unless a rule that
/// selects it asks for it.
/// </summary>
public sealed class RetentionPlanner(RegistryDbContext db, PackageProtection protection, TimeProvider clock)
{
    public async Task<List<RetentionCandidate>> PlanAsync(long projectId, IReadOnlyList<PackageRetentionRule> rules, CancellationToken ct)
    {
        var active = rules.Where(r => r.Enabled).ToList();
        if (active.Count == 0) return [];
        var now = clock.GetUtcNow().UtcDateTime;
        var packages = await db.Packages.AsNoTracking().Include(p => p.Project)
            .Where(p => p.ProjectId == projectId && p.PackageType == PackageType.Generic
                && (p.Status == PackageStatus.Default || p.Status == PackageStatus.Hidden))
            .ToListAsync(ct);
        var protectionRules = (await protection.RulesOfAsync([projectId], ct))[projectId];
        var result = new List<RetentionCandidate>();
        foreach (var name in packages.GroupBy(p => p.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (protectionRules.Any(r => PackageProtection.Matches(r, name.Key))) continue;
            var newestFirst = name.OrderByDescending(p => p.Version, VersionOrder.Instance).ThenByDescending(p => p.Id).ToList();
            var releases = newestFirst.Where(p => p.Status == PackageStatus.Default).ToList();
            var newest = new HashSet<long> { newestFirst[0].Id };
            if (releases.Count > 0) newest.Add(releases[0].Id);
            foreach (var package in newestFirst)
            {
                var selecting = active.Where(r => Selects(r, package, releases, now)).ToList();
                if (selecting.Count == 0) continue;
                if (newest.Contains(package.Id) && !selecting.Any(r => r.DeleteNewestVersion)) continue;
                result.Add(new RetentionCandidate(package, selecting.Select(r => r.Id).ToList()));
            }
        }
        return result;
    }

    /// <param name="releases">the name's default-status packages, newest first: the versions that count as newer</param>
    private static bool Selects(PackageRetentionRule rule, Package package, List<Package> releases, DateTime now)
    {
        if (!NamePattern.Matches(rule.PackageNamePattern, package.Name)) return false;
        if (rule.ExcludePackageNamePattern is { Length: > 0 } excludeName && NamePattern.Matches(excludeName, package.Name)) return false;
        if (rule.ExcludeVersionPattern is { Length: > 0 } excludeVersion && NamePattern.Matches(excludeVersion, package.Version)) return false;
        if (rule.PackageStatus is { } status && package.Status != status) return false;
        if (rule.OlderThanDays is { } age && package.CreatedAt >= now.AddDays(-age)) return false;
        if (rule.NotDownloadedForDays is { } idle && (package.LastDownloadedAt ?? package.CreatedAt) >= now.AddDays(-idle)) return false;
        if (rule.KeepNewestVersions is { } keep
            && releases.Count(p => p.Id != package.Id && VersionOrder.Instance.Compare(p.Version, package.Version) > 0) < keep)
            return false;
        return true;
    }
}
