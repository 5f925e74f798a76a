using Microsoft.EntityFrameworkCore;
using Registry.Schema.Access;
using Registry.Schema.Audit;
using Registry.Schema.Data;
using Registry.Schema.Identity;
using Registry.Schema.Packages;

namespace Registry.Schema.Lifecycle;

/// <summary>The fields of a retention rule a request sets; absent ones stay as they are.</summary>
public sealed record RetentionRuleChanges(
    Change<string?> PackageNamePattern, Change<string?> ExcludePackageNamePattern, Change<string?> ExcludeVersionPattern,
    Change<int?> OlderThanDays, Change<int?> KeepNewestVersions, Change<int?> NotDownloadedForDays, Change<PackageStatus?> PackageStatus,
    Change<bool> DeleteNewestVersion, Change<bool> Enabled);

/// <summary>
/// Retention rules (beyond GitLab): managing them, previewing them (the dry run) and running them. Runs are due every
/// 12 hours per project (<see cref="PackageLifecycleRunner"/>) or asked for; each deleted package is recorded in the
/// audit log with the rules that selected it.
/// </summary>
public sealed class RetentionRuleService(RegistryDbContext db, ProjectMaintenance maintenance, RetentionPlanner planner,
    PackageDestroyer destroyer, AuditLog audit, TimeProvider clock)
{
    public const string SystemAuthor = "Package retention";
    public static readonly TimeSpan Cadence = TimeSpan.FromHours(12);
    public const int MaxDays = 36500;
    public const int MaxVersions = 10000;

    public async Task<List<PackageRetentionRule>> ListAsync(Actor actor, Project project, CancellationToken ct)
    {
        await maintenance.RequireAsync(actor, project, ct);
        return await RulesOfAsync(project.Id, ct);
    }

    public Task<List<PackageRetentionRule>> RulesOfAsync(long projectId, CancellationToken ct) =>
        db.PackageRetentionRules.AsNoTracking().Where(r => r.ProjectId == projectId).OrderBy(r => r.Id).ToListAsync(ct);

    public async Task<PackageRetentionRule> CreateAsync(Actor actor, Project project, RetentionRuleChanges changes, CancellationToken ct)
    {
        await maintenance.RequireAsync(actor, project, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var rule = new PackageRetentionRule { ProjectId = project.Id, PackageNamePattern = "", CreatedAt = now, UpdatedAt = now, NextRunAt = now + Cadence };
        Apply(rule, changes);
        Validate(rule);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.PackageRetentionRules.Add(rule);
        await db.SaveChangesAsync(ct);
        audit.Add(actor, AuditEntity.For(project), AuditEventNames.RetentionRuleCreated, Target(rule), Details(rule));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return rule;
    }

    public async Task<PackageRetentionRule> UpdateAsync(Actor actor, long ruleId, long? projectId, RetentionRuleChanges changes, CancellationToken ct)
    {
        var (rule, project) = await FindAsync(actor, ruleId, projectId, ct);
        Apply(rule, changes);
        rule.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        Validate(rule);
        audit.Add(actor, AuditEntity.For(project), AuditEventNames.RetentionRuleUpdated, Target(rule), Details(rule));
        await db.SaveChangesAsync(ct);
        return rule;
    }

    public async Task<PackageRetentionRule> DeleteAsync(Actor actor, long ruleId, long? projectId, CancellationToken ct)
    {
        var (rule, project) = await FindAsync(actor, ruleId, projectId, ct);
        db.PackageRetentionRules.Remove(rule);
        audit.Add(actor, AuditEntity.For(project), AuditEventNames.RetentionRuleDeleted, Target(rule), Details(rule));
        await db.SaveChangesAsync(ct);
        return rule;
    }

    /// <summary>What the project's enabled rules (or just <paramref name="ruleId"/>) would delete now.</summary>
    public async Task<List<RetentionCandidate>> DryRunAsync(Actor actor, Project project, long? ruleId, CancellationToken ct)
    {
        await maintenance.RequireAsync(actor, project, ct);
        return await planner.PlanAsync(project.Id, await SelectedRulesAsync(project.Id, ruleId, ct), ct);
    }

    /// <summary>Deletes what the dry run lists, now, for a Maintainer; returns the deleted packages.</summary>
    public async Task<List<RetentionCandidate>> RunNowAsync(Actor actor, Project project, long? ruleId, CancellationToken ct)
    {
        await maintenance.RequireAsync(actor, project, ct);
        return await ExecuteAsync(project.Id, await SelectedRulesAsync(project.Id, ruleId, ct), ct);
    }

    /// <summary>A scheduled or asked-for run: plans, marks the packages (audited, rule by rule) and schedules the next run.</summary>
    public async Task<List<RetentionCandidate>> ExecuteAsync(long projectId, IReadOnlyList<PackageRetentionRule> rules, CancellationToken ct)
    {
        var plan = await planner.PlanAsync(projectId, rules, ct);
        var ruleIds = plan.ToDictionary(c => c.Package.Id, c => c.RuleIds);
        foreach (var chunk in plan.Chunk(100))
            await destroyer.MarkPackagesAsync(AuditLog.System, chunk.Select(c => c.Package).ToList(), AuditEventNames.PackageDestroyedByRetention,
                SystemAuthor, ct, p => new Dictionary<string, object?> { ["retention_rule_ids"] = ruleIds[p.Id] });
        var next = clock.GetUtcNow().UtcDateTime + Cadence;
        var ids = rules.Select(r => r.Id).ToList();
        await db.PackageRetentionRules.Where(r => ids.Contains(r.Id)).ExecuteUpdateAsync(s => s.SetProperty(r => r.NextRunAt, next), ct);
        return plan;
    }

    private async Task<List<PackageRetentionRule>> SelectedRulesAsync(long projectId, long? ruleId, CancellationToken ct)
    {
        var rules = await RulesOfAsync(projectId, ct);
        if (ruleId is not { } id) return rules;
        var rule = rules.FirstOrDefault(r => r.Id == id) ?? throw RegistryError.RecordNotFound();
        return [rule];
    }

    private Task<(PackageRetentionRule Rule, Project Project)> FindAsync(Actor actor, long ruleId, long? projectId, CancellationToken ct) =>
        maintenance.FindRuleAsync(db.PackageRetentionRules, actor, ruleId, projectId, ct);

    private static void Apply(PackageRetentionRule rule, RetentionRuleChanges c)
    {
        rule.PackageNamePattern = c.PackageNamePattern.Or(rule.PackageNamePattern) ?? "";
        rule.ExcludePackageNamePattern = Blank(c.ExcludePackageNamePattern.Or(rule.ExcludePackageNamePattern));
        rule.ExcludeVersionPattern = Blank(c.ExcludeVersionPattern.Or(rule.ExcludeVersionPattern));
        rule.OlderThanDays = c.OlderThanDays.Or(rule.OlderThanDays);
        rule.KeepNewestVersions = c.KeepNewestVersions.Or(rule.KeepNewestVersions);
        rule.NotDownloadedForDays = c.NotDownloadedForDays.Or(rule.NotDownloadedForDays);
        rule.PackageStatus = c.PackageStatus.Or(rule.PackageStatus);
        rule.DeleteNewestVersion = c.DeleteNewestVersion.Or(rule.DeleteNewestVersion);
        rule.Enabled = c.Enabled.Or(rule.Enabled);
    }

    private static string? Blank(string? s) => string.IsNullOrEmpty(s) ? null : s;

    private static void Validate(PackageRetentionRule rule)
    {
        var errors = new List<string>();
        if (NamePattern.ValidatePackageName(rule.PackageNamePattern) is { } a) errors.Add(a);
        if (rule.ExcludePackageNamePattern is not null
            && NamePattern.ValidatePackageName(rule.ExcludePackageNamePattern, "Exclude package name pattern") is { } b) errors.Add(b);
        if (NamePattern.ValidateVersion(rule.ExcludeVersionPattern) is { } c) errors.Add(c);
        if (rule.OlderThanDays is < 0 or > MaxDays) errors.Add($"Older than days must be between 0 and {MaxDays}");
        if (rule.NotDownloadedForDays is < 0 or > MaxDays) errors.Add($"Not downloaded for days must be between 0 and {MaxDays}");
        if (rule.KeepNewestVersions is < 0 or > MaxVersions) errors.Add($"Keep newest versions must be between 0 and {MaxVersions}");
        if (rule.PackageStatus is not (null or Packages.PackageStatus.Default or Packages.PackageStatus.Hidden))
            errors.Add("Package status must be default or hidden");
        if (rule.OlderThanDays is null && rule.KeepNewestVersions is null && rule.NotDownloadedForDays is null && rule.PackageStatus is null)
            errors.Add("A rule must select by age, newer versions, last download or status");
        if (errors.Count > 0) throw RegistryError.Unprocessable([.. errors]);
    }

    private static AuditTarget Target(PackageRetentionRule rule) => new("Packages::RetentionRule", rule.Id, rule.PackageNamePattern);

    private static Dictionary<string, object?> Details(PackageRetentionRule r) => new()
    {
        ["package_name_pattern"] = r.PackageNamePattern, ["exclude_package_name_pattern"] = r.ExcludePackageNamePattern,
        ["exclude_version_pattern"] = r.ExcludeVersionPattern, ["older_than_days"] = r.OlderThanDays,
        ["keep_newest_versions"] = r.KeepNewestVersions, ["not_downloaded_for_days"] = r.NotDownloadedForDays,
        ["package_status"] = r.PackageStatus?.ToString().ToLowerInvariant(), ["delete_newest_version"] = r.DeleteNewestVersion,
        ["enabled"] = r.Enabled,
    };
}
