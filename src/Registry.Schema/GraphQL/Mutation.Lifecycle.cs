using GraphQL;
using Registry.Schema.Access;
using Registry.Schema.GraphQL.Mutations;
using Registry.Schema.GraphQL.Types;
using Registry.Schema.Identity;
using Registry.Schema.Lifecycle;
using Registry.Schema.Packages;

namespace Registry.Schema.GraphQL;

/// <summary>GitLab's protection-rule and cleanup-policy mutations, and retention rules (beyond GitLab).</summary>
public sealed partial class Mutation
{
    [RequiresProject(ProjectAction.Maintain)]
    public static Task<PackagesProtectionRulePayload> CreatePackagesProtectionRule(CreatePackagesProtectionRuleInput input,
        [FromUserContext] RegistryUserContext ctx, [FromCheckedProject] Project project, [FromServices] ProtectionRuleService rules,
        CancellationToken ct) =>
        Run<PackagesProtectionRulePayload>(input, async p =>
        {
            p.PackageProtectionRule = new ProtectionRuleNode(await rules.CreateAsync(ctx.Actor, project, new ProtectionRuleChanges(
                Change<string?>.To(input.PackageNamePattern), Change<PackageType>.To(ProtectionEnums.FromGraphQL(input.PackageType)),
                Change<ProtectionAccessLevel?>.To(ProtectionEnums.FromGraphQL(input.MinimumAccessLevelForPush)),
                Change<ProtectionAccessLevel?>.To(ProtectionEnums.FromGraphQL(input.MinimumAccessLevelForDelete))), ct));
        });

    [AccessCheckedBy(typeof(ProjectMaintenance), nameof(ProjectMaintenance.FindRuleAsync))]
    public static Task<PackagesProtectionRulePayload> UpdatePackagesProtectionRule(UpdatePackagesProtectionRuleInput input,
        [FromUserContext] RegistryUserContext ctx, [FromServices] ProtectionRuleService rules, CancellationToken ct) =>
        Run<PackagesProtectionRulePayload>(input, async p =>
        {
            var id = ParseId(input.Id, GlobalId.ProtectionRule);
            if (input.Given(nameof(input.PackageNamePattern)) && string.IsNullOrEmpty(input.PackageNamePattern)
                || input.Given(nameof(input.PackageType)) && input.PackageType is null)
                throw RegistryError.BadRequest("packageNamePattern and packageType can't be blank");
            p.PackageProtectionRule = new ProtectionRuleNode(await rules.UpdateAsync(ctx.Actor, id, null, new ProtectionRuleChanges(
                input.ChangeOf<string?>(nameof(input.PackageNamePattern)),
                Change.UnlessNull(input.PackageType).Map(ProtectionEnums.FromGraphQL),
                input.ChangeOf<ProtectionRuleAccessLevelEnum?>(nameof(input.MinimumAccessLevelForPush)).Map(ProtectionEnums.FromGraphQL),
                input.ChangeOf<ProtectionRuleAccessLevelForDeleteEnum?>(nameof(input.MinimumAccessLevelForDelete)).Map(ProtectionEnums.FromGraphQL)), ct));
        });

    [AccessCheckedBy(typeof(ProjectMaintenance), nameof(ProjectMaintenance.FindRuleAsync))]
    public static Task<PackagesProtectionRulePayload> DeletePackagesProtectionRule(DeletePackagesProtectionRuleInput input,
        [FromUserContext] RegistryUserContext ctx, [FromServices] ProtectionRuleService rules, CancellationToken ct) =>
        Run<PackagesProtectionRulePayload>(input, async p =>
            p.PackageProtectionRule = new ProtectionRuleNode(await rules.DeleteAsync(ctx.Actor, ParseId(input.Id, GlobalId.ProtectionRule), null, ct)));

    [RequiresProject(ProjectAction.Maintain)]
    public static Task<UpdatePackagesCleanupPolicyPayload> UpdatePackagesCleanupPolicy(UpdatePackagesCleanupPolicyInput input,
        [FromUserContext] RegistryUserContext ctx, [FromServices] CleanupPolicyService policies, CancellationToken ct) =>
        Run<UpdatePackagesCleanupPolicyPayload>(input, async p =>
            p.PackagesCleanupPolicy = new CleanupPolicyNode(await policies.UpdateAsync(ctx.Actor, input.ProjectPath,
                input.KeepNDuplicatedPackageFiles is { } keep ? KeepDuplicatedPackageFilesMapping.FromGraphQL(keep) : null, ct)));

    [RequiresProject(ProjectAction.Maintain)]
    [System.ComponentModel.Description("Runs the project's packages cleanup policy now (beyond GitLab, which runs it every 12 hours).")]
    public static Task<RunPackagesCleanupPolicyPayload> RunPackagesCleanupPolicy(RunPackagesCleanupPolicyInput input,
        [FromUserContext] RegistryUserContext ctx, [FromServices] CleanupPolicyService policies, CancellationToken ct) =>
        Run<RunPackagesCleanupPolicyPayload>(input, async p => p.MarkedPackageFilesCount = await policies.RunNowAsync(ctx.Actor, input.ProjectPath, ct));

    [RequiresProject(ProjectAction.Maintain)]
    public static Task<PackagesRetentionRulePayload> CreatePackagesRetentionRule(CreatePackagesRetentionRuleInput input,
        [FromUserContext] RegistryUserContext ctx, [FromCheckedProject] Project project, [FromServices] RetentionRuleService rules,
        CancellationToken ct) =>
        Run<PackagesRetentionRulePayload>(input, async p =>
        {
            p.PackagesRetentionRule = new RetentionRuleNode(await rules.CreateAsync(ctx.Actor, project, new RetentionRuleChanges(
                Change<string?>.To(input.PackageNamePattern), Change<string?>.To(input.ExcludePackageNamePattern),
                Change<string?>.To(input.ExcludeVersionPattern), Change<int?>.To(input.OlderThanDays), Change<int?>.To(input.KeepNewestVersions),
                Change<int?>.To(input.NotDownloadedForDays), Change<PackageStatus?>.To(input.PackageStatus),
                Change<bool>.To(input.DeleteNewestVersion ?? false), Change<bool>.To(input.Enabled ?? true)), ct));
        });

    [AccessCheckedBy(typeof(ProjectMaintenance), nameof(ProjectMaintenance.FindRuleAsync))]
    public static Task<PackagesRetentionRulePayload> UpdatePackagesRetentionRule(UpdatePackagesRetentionRuleInput input,
        [FromUserContext] RegistryUserContext ctx, [FromServices] RetentionRuleService rules, CancellationToken ct) =>
        Run<PackagesRetentionRulePayload>(input, async p =>
        {
            p.PackagesRetentionRule = new RetentionRuleNode(await rules.UpdateAsync(ctx.Actor, ParseId(input.Id, GlobalId.RetentionRule), null,
                new RetentionRuleChanges(
                    input.ChangeOf<string?>(nameof(input.PackageNamePattern)),
                    input.ChangeOf<string?>(nameof(input.ExcludePackageNamePattern)),
                    input.ChangeOf<string?>(nameof(input.ExcludeVersionPattern)),
                    input.ChangeOf<int?>(nameof(input.OlderThanDays)),
                    input.ChangeOf<int?>(nameof(input.KeepNewestVersions)),
                    input.ChangeOf<int?>(nameof(input.NotDownloadedForDays)),
                    input.ChangeOf<PackageStatus?>(nameof(input.PackageStatus)),
                    Change.UnlessNull(input.DeleteNewestVersion),
                    Change.UnlessNull(input.Enabled)), ct));
        });

    [AccessCheckedBy(typeof(ProjectMaintenance), nameof(ProjectMaintenance.FindRuleAsync))]
    public static Task<PackagesRetentionRulePayload> DeletePackagesRetentionRule(DeletePackagesRetentionRuleInput input,
        [FromUserContext] RegistryUserContext ctx, [FromServices] RetentionRuleService rules, CancellationToken ct) =>
        Run<PackagesRetentionRulePayload>(input, async p =>
            p.PackagesRetentionRule = new RetentionRuleNode(await rules.DeleteAsync(ctx.Actor, ParseId(input.Id, GlobalId.RetentionRule), null, ct)));

    [RequiresProject(ProjectAction.Maintain)]
    [System.ComponentModel.Description("Runs the project's retention rules now, or with `dryRun` lists exactly what a run would delete.")]
    public static Task<RunPackagesRetentionPayload> RunPackagesRetention(RunPackagesRetentionInput input,
        [FromUserContext] RegistryUserContext ctx, [FromCheckedProject] Project project, [FromServices] RetentionRuleService rules,
        CancellationToken ct) =>
        Run<RunPackagesRetentionPayload>(input, async p =>
        {
            long? ruleId = input.RuleId is null ? null : ParseId(input.RuleId, GlobalId.RetentionRule);
            var candidates = input.DryRun == true
                ? await rules.DryRunAsync(ctx.Actor, project, ruleId, ct)
                : await rules.RunNowAsync(ctx.Actor, project, ruleId, ct);
            p.Packages = candidates.Select(c => new RetentionCandidateNode(c)).ToList();
        });
}
