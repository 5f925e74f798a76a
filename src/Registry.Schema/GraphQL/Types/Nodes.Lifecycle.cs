using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Types;
using Registry.Schema.Access;
using Registry.Schema.Audit;
using Registry.Schema.GraphQL.Loading;
using Registry.Schema.GraphQL.Paging;
using Registry.Schema.Identity;
using Registry.Schema.Lifecycle;
using Registry.Schema.Packages;

namespace Registry.Schema.GraphQL.Types;

/// <summary>The package-lifecycle fields of a project: for its Maintainers (rules, policy, dry run) and Owners (audit).</summary>
public sealed partial class ProjectNode
{
    [System.ComponentModel.Description("Packages protection rules for the project. Null unless you can manage the project's packages (Maintainer and up).")]
    [RequiresProject(ProjectAction.Maintain)]
    public async Task<ProtectionRuleConnection?> PackagesProtectionRules([FromServices] ProtectionRuleService protection,
        int? first = null, string? after = null, int? last = null, string? before = null, CancellationToken ct = default) =>
        Pager.PageInMemory<ProtectionRuleNode, ProtectionRuleEdge, ProtectionRuleConnection>(
            (await protection.RulesOfAsync(Entity.Id, ct)).Select(r => new ProtectionRuleNode(r)).ToList(), first, after, last, before);

    [System.ComponentModel.Description("Packages cleanup policy for the project. Null unless you can manage the project's packages.")]
    [RequiresProject(ProjectAction.Maintain)]
    public async Task<CleanupPolicyNode?> PackagesCleanupPolicy([FromServices] CleanupPolicyService policies, CancellationToken ct) =>
        new CleanupPolicyNode(await policies.GetAsync(Entity.Id, ct));

    [System.ComponentModel.Description("Package retention rules for the project (beyond GitLab). Null unless you can manage the project's packages.")]
    [RequiresProject(ProjectAction.Maintain)]
    public async Task<RetentionRuleConnection?> PackagesRetentionRules([FromServices] RetentionRuleService retention,
        int? first = null, string? after = null, int? last = null, string? before = null, CancellationToken ct = default) =>
        Pager.PageInMemory<RetentionRuleNode, RetentionRuleEdge, RetentionRuleConnection>(
            (await retention.RulesOfAsync(Entity.Id, ct)).Select(r => new RetentionRuleNode(r)).ToList(), first, after, last, before);

    [System.ComponentModel.Description("Exactly the packages a retention run would delete now: by every enabled rule, or by `ruleId` alone. Null unless you can manage the project's packages.")]
    [RequiresProject(ProjectAction.Maintain)]
    public async Task<List<RetentionCandidateNode>?> PackagesRetentionDryRun([FromServices] RetentionRuleService retention,
        [FromUserContext] RegistryUserContext ctx, [InputType(typeof(PackagesRetentionRuleIdGraphType))] string? ruleId = null,
        CancellationToken ct = default)
    {
        long? id = ruleId is null ? null : Mutation.ParseId(ruleId, GlobalId.RetentionRule);
        return (await retention.DryRunAsync(ctx.Actor, Entity, id, ct)).Select(c => new RetentionCandidateNode(c)).ToList();
    }

    [System.ComponentModel.Description("Audit events of the project, newest first. Null unless you are an Owner of the project or an administrator.")]
    public async Task<AuditEventConnection?> AuditEvents([FromServices] AuditEventQueries audit, [FromUserContext] RegistryUserContext ctx,
        [System.ComponentModel.Description("Only events of this action (an eventName, such as package_file_published).")] string? eventName = null,
        [System.ComponentModel.Description("Only events by this author (an authorName: a username, a deploy token's username, or the registry's job).")] string? authorName = null,
        int? first = null, string? after = null, int? last = null, string? before = null, CancellationToken ct = default) =>
        await audit.ForProjectAsync(ctx.Actor, Entity, ct) is { } events
            ? await AuditEventPager.PageAsync(events, eventName, authorName, first, after, last, before, ct) : null;
}

public sealed partial class GroupNode
{
    [System.ComponentModel.Description("Audit events of the group, its subgroups and their projects, newest first. Null unless you are an Owner of the group or an administrator.")]
    public async Task<AuditEventConnection?> AuditEvents([FromServices] AuditEventQueries audit, [FromUserContext] RegistryUserContext ctx,
        [System.ComponentModel.Description("Only events of this action (an eventName, such as package_file_published).")] string? eventName = null,
        [System.ComponentModel.Description("Only events by this author (an authorName: a username, a deploy token's username, or the registry's job).")] string? authorName = null,
        int? first = null, string? after = null, int? last = null, string? before = null, CancellationToken ct = default) =>
        await audit.ForGroupAsync(ctx.Actor, Entity, ct) is { } events
            ? await AuditEventPager.PageAsync(events, eventName, authorName, first, after, last, before, ct) : null;
}

public partial class PackageNode
{
    [System.ComponentModel.Description("Whether any matching package protection rule exists for the package.")]
    public IDataLoaderResult<bool> ProtectionRuleExists([FromServices] Loading.RequestLoaders loaders) =>
        loaders.ProtectionRuleExists.Load((Entity.ProjectId, Entity.Name));
}
