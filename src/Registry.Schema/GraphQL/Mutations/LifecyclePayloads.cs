using GraphQL;
using GraphQL.Types;
using Registry.Schema.GraphQL.Types;
using Registry.Schema.Packages;

namespace Registry.Schema.GraphQL.Mutations;

/// <summary>
/// Remembers which optional input fields a request named, so an explicit null (clear the value) differs from an
/// absent field (leave it).
/// </summary>
public abstract class PartialInput : MutationInput
{
    private readonly HashSet<string> _given = [];

    protected T Set<T>(T value, [System.Runtime.CompilerServices.CallerMemberName] string field = "")
    {
        _given.Add(field);
        return value;
    }

    public bool Given(string field) => _given.Contains(field);
}

public sealed class CreatePackagesProtectionRuleInput : MutationInput
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
    public string? PackageNamePattern { get => _pattern; set => _pattern = Set(value); }
    public ProtectionRulePackageTypeEnum? PackageType { get => _type; set => _type = Set(value); }
    public ProtectionRuleAccessLevelEnum? MinimumAccessLevelForPush { get => _push; set => _push = Set(value); }
    public ProtectionRuleAccessLevelForDeleteEnum? MinimumAccessLevelForDelete { get => _delete; set => _delete = Set(value); }
    private string? _pattern;
    private ProtectionRulePackageTypeEnum? _type;
    private ProtectionRuleAccessLevelEnum? _push;
    private ProtectionRuleAccessLevelForDeleteEnum? _delete;
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

public sealed class UpdatePackagesCleanupPolicyInput : MutationInput
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

public sealed class RunPackagesCleanupPolicyInput : MutationInput
{
    [Id] public required string ProjectPath { get; set; }
}

public sealed class RunPackagesCleanupPolicyPayload : MutationPayload
{
    [System.ComponentModel.Description("Number of package files the run marked for destruction.")]
    public int? MarkedPackageFilesCount { get; set; }
}

public sealed class CreatePackagesRetentionRuleInput : MutationInput
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
    public string? PackageNamePattern { get => _pattern; set => _pattern = Set(value); }
    public string? ExcludePackageNamePattern { get => _excludeName; set => _excludeName = Set(value); }
    public string? ExcludeVersionPattern { get => _excludeVersion; set => _excludeVersion = Set(value); }
    public int? OlderThanDays { get => _older; set => _older = Set(value); }
    public int? KeepNewestVersions { get => _keep; set => _keep = Set(value); }
    public int? NotDownloadedForDays { get => _idle; set => _idle = Set(value); }
    public PackageStatus? PackageStatus { get => _status; set => _status = Set(value); }
    public bool? DeleteNewestVersion { get => _newest; set => _newest = Set(value); }
    public bool? Enabled { get => _enabled; set => _enabled = Set(value); }
    private string? _pattern, _excludeName, _excludeVersion;
    private int? _older, _keep, _idle;
    private PackageStatus? _status;
    private bool? _newest, _enabled;
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

public sealed class RunPackagesRetentionInput : MutationInput
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
