namespace Registry.Schema.Lifecycle;

/// <summary>GitLab's <c>keep_n_duplicated_package_files</c> values; <see cref="All"/> keeps everything (the policy is off).</summary>
public enum KeepDuplicatedPackageFiles { All = 0, One = 1, Ten = 10, Twenty = 20, Thirty = 30, Forty = 40, Fifty = 50 }

/// <summary>
/// GitLab's packages cleanup policy of one project (<c>Packages::Cleanup::Policy</c>): keep only the newest N files of
/// each name within a package. The row exists once somebody changed the policy; runs are due at <see cref="NextRunAt"/>,
/// which every save and every run moves 12 hours ahead (GitLab's fixed cadence).
/// </summary>
public sealed class PackagesCleanupPolicy
{
    public static readonly TimeSpan Cadence = TimeSpan.FromHours(12);

    public long ProjectId { get; set; }
    public KeepDuplicatedPackageFiles KeepNDuplicatedPackageFiles { get; set; }
    public DateTime? NextRunAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
