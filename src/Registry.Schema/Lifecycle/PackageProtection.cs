using Microsoft.EntityFrameworkCore;
using Registry.Schema.Access;
using Registry.Schema.Data;
using Registry.Schema.Identity;
using Registry.Schema.Packages;

namespace Registry.Schema.Lifecycle;

/// <summary>
/// Whether protection rules let an actor push or delete a package, as GitLab decides it
/// (<c>Packages::Protection::CheckRuleExistenceService</c>): administrators are never held back; a user (a job token
/// acts with its user's role) is refused when a matching rule asks for a higher level than their role in the project;
/// a deploy token never pushes a package that any rule matches, and never deletes one a delete level protects.
/// Every publish and delete path asks here (<see cref="PackagePublisher"/>, <see cref="PackageDestroyer"/>).
/// </summary>
public sealed class PackageProtection(RegistryDbContext db, Permissions permissions, Caching.HotPathCache cache)
{
    /// <summary>GitLab's answers: <c>403 Forbidden - Package protected.</c> and <c>... - Package is deletion protected.</c></summary>
    public const string PushProtectedMessage = "Package protected.";
    public const string DeleteProtectedMessage = "Package is deletion protected.";

    private readonly Dictionary<long, List<PackageProtectionRule>> _rules = new();
    private const string RulesKey = "protection-rules";

    /// <summary>Throws GitLab's 403 when the actor may not push a package of this name.</summary>
    public async Task RequirePushAllowedAsync(Actor actor, Project project, string packageName, CancellationToken ct)
    {
        if (await IsPushProtectedAsync(actor, project, packageName, ct)) throw RegistryError.Forbidden(PushProtectedMessage, restDetail: true);
    }

    public async Task<bool> IsPushProtectedAsync(Actor actor, Project project, string packageName, CancellationToken ct)
    {
        var matching = await MatchingAsync(project.Id, packageName, ct);
        if (matching.Count == 0) return false;
        if (actor.Kind == ActorKind.DeployToken) return true;
        if (actor.User?.IsAdmin == true) return false;
        var level = await LevelAsync(actor, project, ct);
        return matching.Any(r => r.MinimumAccessLevelForPush is { } min && level < (int)min);
    }

    public async Task<bool> IsDeleteProtectedAsync(Actor actor, Project project, string packageName, CancellationToken ct)
    {
        var matching = (await MatchingAsync(project.Id, packageName, ct)).Where(r => r.MinimumAccessLevelForDelete is not null).ToList();
        if (matching.Count == 0) return false;
        if (actor.User?.IsAdmin == true) return false;
        if (actor.Kind == ActorKind.DeployToken) return true;
        var level = await LevelAsync(actor, project, ct);
        return matching.Any(r => level < (int)r.MinimumAccessLevelForDelete!.Value);
    }

    /// <summary>Whether any rule of the project matches the name, whoever asks (GraphQL's <c>protectionRuleExists</c>).</summary>
    public async Task<bool> AnyRuleMatchesAsync(long projectId, string packageName, CancellationToken ct) =>
        (await MatchingAsync(projectId, packageName, ct)).Count > 0;

    /// <summary>The generic-package rules of these projects, in one query (lists of packages ask for many at once).</summary>
    public async Task<Dictionary<long, List<PackageProtectionRule>>> RulesOfAsync(IReadOnlyCollection<long> projectIds, CancellationToken ct)
    {
        // Every upload asks: the rules are kept in the hot-path cache too, which a write to them on this instance ends
        // at once (another instance follows within Registry:HotCacheTtl). The lists are shared: never change them.
        var stamp = cache.Stamp(Caching.CacheScope.Identity);
        var missing = new List<long>();
        foreach (var id in projectIds.Distinct().Where(id => !_rules.ContainsKey(id)))
        {
            if (cache.TryGet<List<PackageProtectionRule>>((RulesKey, id), Caching.CacheScope.Identity, out var cached)) _rules[id] = cached;
            else missing.Add(id);
        }
        if (missing.Count > 0)
        {
            var loaded = await db.PackageProtectionRules.AsNoTracking()
                .Where(r => missing.Contains(r.ProjectId) && r.PackageType == PackageType.Generic).ToListAsync(ct);
            foreach (var id in missing)
            {
                _rules[id] = loaded.Where(r => r.ProjectId == id).ToList();
                cache.Set((RulesKey, id), _rules[id], stamp);
            }
        }
        return projectIds.Distinct().ToDictionary(id => id, id => _rules[id]);
    }

    public static bool Matches(PackageProtectionRule rule, string packageName) => NamePattern.Matches(rule.PackageNamePattern, packageName);

    /// <summary>Forgets the rules read so far (after this scope changed them).</summary>
    internal void Forget(long projectId) => _rules.Remove(projectId);

    private async Task<List<PackageProtectionRule>> MatchingAsync(long projectId, string packageName, CancellationToken ct) =>
        (await RulesOfAsync([projectId], ct))[projectId].Where(r => Matches(r, packageName)).ToList();

    /// <summary>The actor's role in the project as a GitLab access level (0 for none, deploy tokens included).</summary>
    private async Task<int> LevelAsync(Actor actor, Project project, CancellationToken ct) =>
        actor.User is null ? 0 : (int?)(await permissions.ForProjectAsync(actor, project, ct)).Role ?? 0;
}
