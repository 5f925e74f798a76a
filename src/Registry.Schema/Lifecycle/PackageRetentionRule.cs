using Registry.Schema.Packages;

namespace Registry.Schema.Lifecycle;

/// <summary>
/// A retention rule (beyond GitLab): which packages of a project scheduled runs delete. A package is selected when its
/// name matches <see cref="PackageNamePattern"/> and every criterion that is set holds; exclusions and protection rules
/// keep it, and the newest version of a name is kept unless <see cref="DeleteNewestVersion"/>.
/// <see cref="RetentionPlanner"/> is the one place that decides, for dry runs and real runs alike.
/// </summary>
public sealed class PackageRetentionRule : IProjectRule
{
    public long Id { get; set; }
    public long ProjectId { get; set; }
    public required string PackageNamePattern { get; set; }
    /// <summary>Names matching this wildcard pattern are never selected.</summary>
    public string? ExcludePackageNamePattern { get; set; }
    /// <summary>Versions matching this wildcard pattern are never selected (e.g. <c>*-release</c>).</summary>
    public string? ExcludeVersionPattern { get; set; }
    /// <summary>Selects packages created more than this many days ago.</summary>
    public int? OlderThanDays { get; set; }
    /// <summary>Selects packages with at least this many newer versions of the same name (SemVer order, as <c>latest</c>).</summary>
    public int? KeepNewestVersions { get; set; }
    /// <summary>Selects packages not downloaded for this many days (never downloaded: counted from their creation).</summary>
    public int? NotDownloadedForDays { get; set; }
    /// <summary>Selects only packages of this status (Default or Hidden); null for both.</summary>
    public PackageStatus? PackageStatus { get; set; }
    /// <summary>Whether the newest version of a name may be deleted too; by default it is always kept.</summary>
    public bool DeleteNewestVersion { get; set; }
    public bool Enabled { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>When the scheduled run is next due; null until the rule is first saved.</summary>
    public DateTime? NextRunAt { get; set; }
}
