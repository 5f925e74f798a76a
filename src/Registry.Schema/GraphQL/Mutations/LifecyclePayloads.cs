using GraphQL;
using GraphQL.Types;
using Registry.Schema.Access;
using Registry.Schema.GraphQL.Types;
using Registry.Schema.Packages;

namespace Registry.Schema.GraphQL.Mutations;

public sealed class CreatePackagesProtectionRuleInput : MutationInput, IProjectPathInput
{
    [Id] public required string ProjectPath { get; set; }
    public required string PackageNamePattern { get; set; }
    public required ProtectionRulePackageTypeEnum PackageType { get; set; }
    public ProtectionRuleAccessLevelEnum? MinimumAccessLevelForPush { get; set; }
    public ProtectionRuleAccessLevelForDeleteEnum? MinimumAccessLevelForDelete { get; set; }
}

public sealed class UpdatePackagesProtectionRuleInput : PartialInput
{
    [InputType(typeof(NonNullGraphType<PackagesProtectionRuleIdGraphType>))]
    public required string Id { get; set; }
    public string? PackageNamePattern { get => Get<string?>(); set => Set(value); }
    public ProtectionRulePackageTypeEnum? PackageType { get => Get<ProtectionRulePackageTypeEnum?>(); set => Set(value); }
    public ProtectionRuleAccessLevelEnum? MinimumAccessLevelForPush { get => Get<ProtectionRuleAccessLevelEnum?>(); set => Set(value); }
    public ProtectionRuleAccessLevelForDeleteEnum? MinimumAccessLevelForDelete { get => Get<ProtectionRuleAccessLevelForDeleteEnum?>(); set => Set(value); }
}

public sealed class DeletePackagesProtectionRuleInput : MutationInput
{
    [InputType(typeof(NonNullGraphType<PackagesProtectionRuleIdGraphType>))]
    public required string Id { get; set; }
}

public sealed class PackagesProtectionRulePayload : MutationPayload
{
    [System.ComponentModel.Description("Packages protection rule after mutation.")]
    public ProtectionRuleNode? PackageProtectionRule { get; set; }
}

public sealed class UpdatePackagesCleanupPolicyInput : MutationInput, IProjectPathInput
{
    [Id, System.ComponentModel.Description("Project path where the packages cleanup policy is located.")]
    public required string ProjectPath { get; set; }
    [System.ComponentModel.Description("Number of duplicated package files to retain.")]
    public KeepDuplicatedPackageFilesEnum? KeepNDuplicatedPackageFiles { get; set; }
}

public sealed class UpdatePackagesCleanupPolicyPayload : MutationPayload
{
    [System.ComponentModel.Description("Packages cleanup policy after mutation.")]
    public CleanupPolicyNode? PackagesCleanupPolicy { get; set; }
}

public sealed class RunPackagesCleanupPolicyInput : MutationInput, IProjectPathInput
{
    [Id] public required string ProjectPath { get; set; }
}

public sealed class RunPackagesCleanupPolicyPayload : MutationPayload
{
    [System.ComponentModel.Description("Number of package files the run marked for destruction.")]
    public int? MarkedPackageFilesCount { get; set; }
}

public sealed class CreatePackagesRetentionRuleInput : MutationInput, IProjectPathInput
{
    [Id] public required string ProjectPath { get; set; }
    public required string PackageNamePattern { get; set; }
    public string? ExcludePackageNamePattern { get; set; }
    public string? ExcludeVersionPattern { get; set; }
    public int? OlderThanDays { get; set; }
    public int? KeepNewestVersions { get; set; }
    public int? NotDownloadedForDays { get; set; }
    public PackageStatus? PackageStatus { get; set; }
    public bool? DeleteNewestVersion { get; set; }
    public bool? Enabled { get; set; }
}

public sealed class UpdatePackagesRetentionRuleInput : PartialInput
{
    [InputType(typeof(NonNullGraphType<PackagesRetentionRuleIdGraphType>))]
    public required string Id { get; set; }
    public string? PackageNamePattern { get => Get<string?>(); set => Set(value); }
    public string? ExcludePackageNamePattern { get => Get<string?>(); set => Set(value); }
    public string? ExcludeVersionPattern { get => Get<string?>(); set => Set(value); }
    public int? OlderThanDays { get => Get<int?>(); set => Set(value); }
    public int? KeepNewestVersions { get => Get<int?>(); set => Set(value); }
    public int? NotDownloadedForDays { get => Get<int?>(); set => Set(value); }
    public PackageStatus? PackageStatus { get => Get<PackageStatus?>(); set => Set(value); }
    public bool? DeleteNewestVersion { get => Get<bool?>(); set => Set(value); }
    public bool? Enabled { get => Get<bool?>(); set => Set(value); }
}

public sealed class DeletePackagesRetentionRuleInput : MutationInput
{
    [InputType(typeof(NonNullGraphType<PackagesRetentionRuleIdGraphType>))]
    public required string Id { get; set; }
}

public sealed class PackagesRetentionRulePayload : MutationPayload
{
    public RetentionRuleNode? PackagesRetentionRule { get; set; }
}

public sealed class RunPackagesRetentionInput : MutationInput, IProjectPathInput
{
    [Id] public required string ProjectPath { get; set; }
    [InputType(typeof(PackagesRetentionRuleIdGraphType))]
    [System.ComponentModel.Description("Run only this rule; all enabled rules when absent.")]
    public string? RuleId { get; set; }
    [System.ComponentModel.Description("List what would be deleted without deleting anything.")]
    public bool? DryRun { get; set; }
}

public sealed class RunPackagesRetentionPayload : MutationPayload
{
    [System.ComponentModel.Description("The packages deleted (or, in a dry run, that would be).")]
    public List<RetentionCandidateNode>? Packages { get; set; }
}
