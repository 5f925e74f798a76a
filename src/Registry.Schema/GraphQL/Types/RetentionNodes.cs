using GraphQL;
using GraphQL.Types;
using Registry.Schema.GraphQL.Paging;
using Registry.Schema.Lifecycle;
using Registry.Schema.Packages;

namespace Registry.Schema.GraphQL.Types;

/// <summary>A retention rule (beyond GitLab).</summary>
[Name("PackagesRetentionRule")]
[System.ComponentModel.Description("A retention rule: which packages of a project scheduled runs delete. Every criterion that is set must hold; protected packages and, unless `deleteNewestVersion`, the newest version of a name are always kept.")]
public sealed class RetentionRuleNode(PackageRetentionRule rule)
{
    [OutputType(typeof(NonNullGraphType<PackagesRetentionRuleIdGraphType>))]
    public string Id => GlobalId.For(GlobalId.RetentionRule, rule.Id);
    [System.ComponentModel.Description("Names the rule applies to. Wildcard character `*` allowed.")]
    public string PackageNamePattern => rule.PackageNamePattern;
    [System.ComponentModel.Description("Names never selected. Wildcard character `*` allowed.")]
    public string? ExcludePackageNamePattern => rule.ExcludePackageNamePattern;
    [System.ComponentModel.Description("Versions never selected. Wildcard character `*` allowed.")]
    public string? ExcludeVersionPattern => rule.ExcludeVersionPattern;
    [System.ComponentModel.Description("Selects packages created more than this many days ago.")]
    public int? OlderThanDays => rule.OlderThanDays;
    [System.ComponentModel.Description("Selects packages with at least this many newer versions of the same name (SemVer order, as `latest`).")]
    public int? KeepNewestVersions => rule.KeepNewestVersions;
    [System.ComponentModel.Description("Selects packages not downloaded for this many days (counted from creation when never downloaded).")]
    public int? NotDownloadedForDays => rule.NotDownloadedForDays;
    [System.ComponentModel.Description("Selects only packages of this status (DEFAULT or HIDDEN).")]
    public PackageStatus? PackageStatus => rule.PackageStatus;
    [System.ComponentModel.Description("Whether the newest version of a name may be deleted as well.")]
    public bool DeleteNewestVersion => rule.DeleteNewestVersion;
    public bool Enabled => rule.Enabled;
    [System.ComponentModel.Description("When the next scheduled run is due.")]
    public DateTime? NextRunAt => rule.NextRunAt is { } t ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : null;
}

[Name("PackagesRetentionRuleEdge")] public sealed class RetentionRuleEdge : Edge<RetentionRuleNode>;
[Name("PackagesRetentionRuleConnection")] public sealed class RetentionRuleConnection : Connection<RetentionRuleNode, RetentionRuleEdge>;

/// <summary>A package a retention run deletes (or, in a dry run, would delete).</summary>
[Name("PackagesRetentionCandidate")]
public sealed class RetentionCandidateNode(RetentionCandidate candidate)
{
    public PackageNode Package => new(candidate.Package);

    [OutputType(typeof(NonNullGraphType<ListGraphType<NonNullGraphType<PackagesRetentionRuleIdGraphType>>>))]
    [System.ComponentModel.Description("The rules that select the package.")]
    public List<string> RuleIds => candidate.RuleIds.Select(id => GlobalId.For(GlobalId.RetentionRule, id)).ToList();
}
