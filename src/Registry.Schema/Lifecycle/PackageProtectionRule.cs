using Registry.Schema.Packages;

namespace Registry.Schema.Lifecycle;

/// <summary>GitLab's minimum access levels a protection rule may require: Maintainer, Owner or an administrator.</summary>
public enum ProtectionAccessLevel { Maintainer = 40, Owner = 50, Admin = 60 }

/// <summary>
/// GitLab's package protection rule (<c>Packages::Protection::Rule</c>): packages of one project whose name matches
/// <see cref="PackageNamePattern"/> (<c>*</c> wildcards, anchored, case-insensitive) may be pushed or deleted only by
/// users of at least the given level. A level left null keeps the default (push: Developer, delete: Maintainer).
/// </summary>
public sealed class PackageProtectionRule : IProjectRule
{
    public long Id { get; set; }
    public long ProjectId { get; set; }
    public PackageType PackageType { get; set; }
    public required string PackageNamePattern { get; set; }
    public ProtectionAccessLevel? MinimumAccessLevelForPush { get; set; }
    /// <summary>Owner or Admin only, as GitLab: deleting already needs a Maintainer.</summary>
    public ProtectionAccessLevel? MinimumAccessLevelForDelete { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
