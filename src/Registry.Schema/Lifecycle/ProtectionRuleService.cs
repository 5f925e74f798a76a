using Microsoft.EntityFrameworkCore;
using Registry.Schema.Access;
using Registry.Schema.Audit;
using Registry.Schema.Data;
using Registry.Schema.Identity;
using Registry.Schema.Packages;

namespace Registry.Schema.Lifecycle;

/// <summary>The fields of a protection rule a request sets; absent ones stay as they are.</summary>
public sealed record ProtectionRuleChanges(
    Change<string?> PackageNamePattern, Change<PackageType> PackageType,
    Change<ProtectionAccessLevel?> MinimumAccessLevelForPush, Change<ProtectionAccessLevel?> MinimumAccessLevelForDelete);

/// <summary>
/// Creates, changes and deletes protection rules with GitLab's validation (<c>Packages::Protection::Rule</c>):
/// a generic package name pattern of at most 255 characters, unique per project and type, and at least one level.
/// Each change is recorded in the audit log.
/// </summary>
public sealed class ProtectionRuleService(RegistryDbContext db, ProjectMaintenance maintenance, PackageProtection protection,
    AuditLog audit, TimeProvider clock)
{
    public async Task<List<PackageProtectionRule>> ListAsync(Actor actor, Project project, CancellationToken ct)
    {
        await maintenance.RequireAsync(actor, project, ct);
        return await RulesOfAsync(project.Id, ct);
    }

    /// <summary>The project's rules, oldest first, for a caller already allowed to manage them.</summary>
    public Task<List<PackageProtectionRule>> RulesOfAsync(long projectId, CancellationToken ct) =>
        db.PackageProtectionRules.AsNoTracking().Where(r => r.ProjectId == projectId).OrderBy(r => r.Id).ToListAsync(ct);

    public async Task<PackageProtectionRule> CreateAsync(Actor actor, Project project, ProtectionRuleChanges changes, CancellationToken ct)
    {
        await maintenance.RequireAsync(actor, project, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var rule = new PackageProtectionRule { ProjectId = project.Id, PackageNamePattern = "", CreatedAt = now, UpdatedAt = now };
        Apply(rule, changes);
        await ValidateAsync(rule, ct);
        // The audit event names the new rule's id, known once it is inserted: both in one transaction.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.PackageProtectionRules.Add(rule);
        await SaveAsync(ct);
        audit.Add(actor, AuditEntity.For(project), AuditEventNames.ProtectionRuleCreated, Target(rule), Details(rule));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        protection.Forget(project.Id);
        return rule;
    }

    /// <param name="projectId">when given (REST), the rule must belong to this project</param>
    public async Task<PackageProtectionRule> UpdateAsync(Actor actor, long ruleId, long? projectId, ProtectionRuleChanges changes, CancellationToken ct)
    {
        var (rule, project) = await FindAsync(actor, ruleId, projectId, ct);
        Apply(rule, changes);
        rule.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await ValidateAsync(rule, ct);
        audit.Add(actor, AuditEntity.For(project), AuditEventNames.ProtectionRuleUpdated, Target(rule), Details(rule));
        await SaveAsync(ct);
        protection.Forget(project.Id);
        return rule;
    }

    public async Task<PackageProtectionRule> DeleteAsync(Actor actor, long ruleId, long? projectId, CancellationToken ct)
    {
        var (rule, project) = await FindAsync(actor, ruleId, projectId, ct);
        db.PackageProtectionRules.Remove(rule);
        audit.Add(actor, AuditEntity.For(project), AuditEventNames.ProtectionRuleDeleted, Target(rule), Details(rule));
        await db.SaveChangesAsync(ct);
        protection.Forget(project.Id);
        return rule;
    }

    private Task<(PackageProtectionRule Rule, Project Project)> FindAsync(Actor actor, long ruleId, long? projectId, CancellationToken ct) =>
        maintenance.FindRuleAsync(db.PackageProtectionRules, actor, ruleId, projectId, ct);

    private static void Apply(PackageProtectionRule rule, ProtectionRuleChanges changes)
    {
        rule.PackageNamePattern = changes.PackageNamePattern.Or(rule.PackageNamePattern) ?? "";
        rule.PackageType = changes.PackageType.Or(rule.PackageType);
        rule.MinimumAccessLevelForPush = changes.MinimumAccessLevelForPush.Or(rule.MinimumAccessLevelForPush);
        rule.MinimumAccessLevelForDelete = changes.MinimumAccessLevelForDelete.Or(rule.MinimumAccessLevelForDelete);
    }

    private async Task ValidateAsync(PackageProtectionRule rule, CancellationToken ct)
    {
        var errors = new List<string>();
        if (NamePattern.ValidatePackageName(rule.PackageNamePattern) is { } why) errors.Add(why);
        if (rule.MinimumAccessLevelForPush is null && rule.MinimumAccessLevelForDelete is null)
            errors.Add("A rule must have at least a minimum access role for push or delete.");
        if (rule.MinimumAccessLevelForDelete == ProtectionAccessLevel.Maintainer)
            errors.Add("Minimum access level for delete is not included in the list");
        if (errors.Count == 0 && await db.PackageProtectionRules.AnyAsync(r => r.Id != rule.Id && r.ProjectId == rule.ProjectId
                && r.PackageType == rule.PackageType && r.PackageNamePattern == rule.PackageNamePattern, ct))
            errors.Add("Package name pattern has already been taken");
        if (errors.Count > 0) throw RegistryError.Unprocessable([.. errors]);
    }

    private async Task SaveAsync(CancellationToken ct)
    {
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException e) when (RacingInsert.IsLostRace(e))
        {
            // A concurrent request took the same pattern between the check and the insert (the unique index).
            throw RegistryError.Unprocessable("Package name pattern has already been taken");
        }
    }

    private static AuditTarget Target(PackageProtectionRule rule) => new("Packages::Protection::Rule", rule.Id, rule.PackageNamePattern);

    private static Dictionary<string, object?> Details(PackageProtectionRule rule) => new()
    {
        ["package_name_pattern"] = rule.PackageNamePattern,
        ["package_type"] = "generic",
        ["minimum_access_level_for_push"] = rule.MinimumAccessLevelForPush?.ToString().ToLowerInvariant(),
        ["minimum_access_level_for_delete"] = rule.MinimumAccessLevelForDelete?.ToString().ToLowerInvariant(),
    };
}
