using GraphQL;
using Registry.Schema.GraphQL.Mutations;
using Registry.Schema.GraphQL.Types;
using Registry.Schema.Identity;
using Registry.Schema.Lifecycle;
using Registry.Schema.Packages;

namespace Registry.Schema.GraphQL;

/// <summary>GitLab's protection-rule and cleanup-policy mutations, and retention rules (beyond GitLab).</summary>
public sealed partial class Mutation
{
    public static Task<PackagesProtectionRulePayload> CreatePackagesProtectionRule(CreatePackagesProtectionRuleInput input,
        [FromUserContext] RegistryUserContext ctx, [FromServices] ProjectMaintenance maintenance, [FromServices] ProtectionRuleService rules,
        CancellationToken ct) =>
        Run<PackagesProtectionRulePayload>(input, async p =>
        {
            var project = await maintenance.FindAsync(ctx.Actor, input.ProjectPath, ct);
            p.PackageProtectionRule = new ProtectionRuleNode(await rules.CreateAsync(ctx.Actor, project, new ProtectionRuleChanges(
                Change<string?>.To(input.PackageNamePattern), Change<PackageType>.To(ProtectionEnums.FromGraphQL(input.PackageType)),
                Change<ProtectionAccessLevel?>.To(ProtectionEnums.FromGraphQL(input.MinimumAccessLevelForPush)),
                Change<ProtectionAccessLevel?>.To(ProtectionEnums.FromGraphQL(input.MinimumAccessLevelForDelete))), ct));
        });

    public static Task<PackagesProtectionRulePayload> UpdatePackagesProtectionRule(UpdatePackagesProtectionRuleInput input,
        [FromUserContext] RegistryUserContext ctx, [FromServices] ProtectionRuleService rules, CancellationToken ct) =>
        Run<PackagesProtectionRulePayload>(input, async p =>
        {
            var id = ParseId(input.Id, GlobalId.ProtectionRule);
            if (input.Given(nameof(input.PackageNamePattern)) && string.IsNullOrEmpty(input.PackageNamePattern)
                || input.Given(nameof(input.PackageType)) && input.PackageType is null)
                throw RegistryError.BadRequest("packageNamePattern and packageType can't be blank");
            p.PackageProtectionRule = new ProtectionRuleNode(await rules.UpdateAsync(ctx.Actor, id, null, new ProtectionRuleChanges(
                input.Given(nameof(input.PackageNamePattern)) ? Change<string?>.To(input.PackageNamePattern) : Change<string?>.Absent,
                input.PackageType is { } type ? Change<PackageType>.To(ProtectionEnums.FromGraphQL(type)) : Change<PackageType>.Absent,
                input.Given(nameof(input.MinimumAccessLevelForPush))
                    ? Change<ProtectionAccessLevel?>.To(ProtectionEnums.FromGraphQL(input.MinimumAccessLevelForPush)) : Change<ProtectionAccessLevel?>.Absent,
                input.Given(nameof(input.MinimumAccessLevelForDelete))
                    ? Change<ProtectionAccessLevel?>.To(ProtectionEnums.FromGraphQL(input.MinimumAccessLevelForDelete)) : Change<ProtectionAccessLevel?>.Absent), ct));
        });

    public static Task<PackagesProtectionRulePayload> DeletePackagesProtectionRule(DeletePackagesProtectionRuleInput input,
        [FromUserContext] RegistryUserContext ctx, [FromServices] ProtectionRuleService rules, CancellationToken ct) =>
        Run<PackagesProtectionRulePayload>(input, async p =>
            p.PackageProtectionRule = new ProtectionRuleNode(await rules.DeleteAsync(ctx.Actor, ParseId(input.Id, GlobalId.ProtectionRule), null, ct)));

    public static Task<UpdatePackagesCleanupPolicyPayload> UpdatePackagesCleanupPolicy(UpdatePackagesCleanupPolicyInput input,
        [FromUserContext] RegistryUserContext ctx, [FromServices] CleanupPolicyService policies, CancellationToken ct) =>
        Run<UpdatePackagesCleanupPolicyPayload>(input, async p =>
            p.PackagesCleanupPolicy = new CleanupPolicyNode(await policies.UpdateAsync(ctx.Actor, input.ProjectPath,
                input.KeepNDuplicatedPackageFiles is { } keep ? KeepDuplicatedPackageFilesMapping.FromGraphQL(keep) : null, ct)));

    [System.ComponentModel.Description("Runs the project's packages cleanup policy now (beyond GitLab, which runs it every 12 hours).")]
    public static Task<RunPackagesCleanupPolicyPayload> RunPackagesCleanupPolicy(RunPackagesCleanupPolicyInput input,
        [FromUserContext] RegistryUserContext ctx, [FromServices] CleanupPolicyService policies, CancellationToken ct) =>
        Run<RunPackagesCleanupPolicyPayload>(input, async p => p.MarkedPackageFilesCount = await policies.RunNowAsync(ctx.Actor, input.ProjectPath, ct));

    public static Task<PackagesRetentionRulePayload> CreatePackagesRetentionRule(CreatePackagesRetentionRuleInput input,
        [FromUserContext] RegistryUserContext ctx, [FromServices] ProjectMaintenance maintenance, [FromServices] RetentionRuleService rules,
        CancellationToken ct) =>
        Run<PackagesRetentionRulePayload>(input, async p =>
        {
            var project = await maintenance.FindAsync(ctx.Actor, input.ProjectPath, ct);
            p.PackagesRetentionRule = new RetentionRuleNode(await rules.CreateAsync(ctx.Actor, project, new RetentionRuleChanges(
                Change<string?>.To(input.PackageNamePattern), Change<string?>.To(input.ExcludePackageNamePattern),
                Change<string?>.To(input.ExcludeVersionPattern), Change<int?>.To(input.OlderThanDays), Change<int?>.To(input.KeepNewestVersions),
                Change<int?>.To(input.NotDownloadedForDays), Change<PackageStatus?>.To(input.PackageStatus),
                Change<bool>.To(input.DeleteNewestVersion ?? false), Change<bool>.To(input.Enabled ?? true)), ct));
        });

    public static Task<PackagesRetentionRulePayload> UpdatePackagesRetentionRule(UpdatePackagesRetentionRuleInput input,
        [FromUserContext] RegistryUserContext ctx, [FromServices] RetentionRuleService rules, CancellationToken ct) =>
        Run<PackagesRetentionRulePayload>(input, async p =>
        {
            Change<T> From<T>(string field, T value) => input.Given(field) ? Change<T>.To(value) : Change<T>.Absent;
            p.PackagesRetentionRule = new RetentionRuleNode(await rules.UpdateAsync(ctx.Actor, ParseId(input.Id, GlobalId.RetentionRule), null,
                new RetentionRuleChanges(
                    From(nameof(input.PackageNamePattern), input.PackageNamePattern),
                    From(nameof(input.ExcludePackageNamePattern), input.ExcludePackageNamePattern),
                    From(nameof(input.ExcludeVersionPattern), input.ExcludeVersionPattern),
                    From(nameof(input.OlderThanDays), input.OlderThanDays),
                    From(nameof(input.KeepNewestVersions), input.KeepNewestVersions),
                    From(nameof(input.NotDownloadedForDays), input.NotDownloadedForDays),
                    From(nameof(input.PackageStatus), input.PackageStatus),
                    input.DeleteNewestVersion is { } newest ? Change<bool>.To(newest) : Change<bool>.Absent,
                    input.Enabled is { } enabled ? Change<bool>.To(enabled) : Change<bool>.Absent), ct));
        });

    public static Task<PackagesRetentionRulePayload> DeletePackagesRetentionRule(DeletePackagesRetentionRuleInput input,
        [FromUserContext] RegistryUserContext ctx, [FromServices] RetentionRuleService rules, CancellationToken ct) =>
        Run<PackagesRetentionRulePayload>(input, async p =>
            p.PackagesRetentionRule = new RetentionRuleNode(await rules.DeleteAsync(ctx.Actor, ParseId(input.Id, GlobalId.RetentionRule), null, ct)));

    [System.ComponentModel.Description("Runs the project's retention rules now, or with `dryRun` lists exactly what a run would delete.")]
    public static Task<RunPackagesRetentionPayload> RunPackagesRetention(RunPackagesRetentionInput input,
        [FromUserContext] RegistryUserContext ctx, [FromServices] ProjectMaintenance maintenance, [FromServices] RetentionRuleService rules,
        CancellationToken ct) =>
        Run<RunPackagesRetentionPayload>(input, async p =>
        {
            var project = await maintenance.FindAsync(ctx.Actor, input.ProjectPath, ct);
            long? ruleId = input.RuleId is null ? null : ParseId(input.RuleId, GlobalId.RetentionRule);
            var candidates = input.DryRun == true
                ? await rules.DryRunAsync(ctx.Actor, project, ruleId, ct)
                : await rules.RunNowAsync(ctx.Actor, project, ruleId, ct);
            p.Packages = candidates.Select(c => new RetentionCandidateNode(c)).ToList();
        });
}
