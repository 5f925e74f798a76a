using GraphQL;
using Registry.Schema.Storage;

namespace Registry.Schema.GraphQL.Types;

/// <summary>
/// What a project's or a group's packages take (their "Usage quotas" page): GitLab's <c>packagesSize</c> and
/// <c>storageSize</c>, and what content-addressed storage saves among them. Which packages it covers is
/// <paramref name="projectIds"/>: the project, or every project of the group and its subgroups.
/// </summary>
public abstract class StatisticsNode(StorageUsage usage, IQueryable<long> projectIds)
{
    [System.ComponentModel.Description("Package size in bytes: the sizes of all package files added up.")]
    public double PackagesSize => usage.PackageFilesSize;
    [System.ComponentModel.Description("Storage size in bytes: what is stored for the package files, each content (SHA-256) once.")]
    public double StorageSize => usage.StoredSize;
    [System.ComponentModel.Description("Bytes saved by storing identical package files once: packagesSize less storageSize (beyond GitLab).")]
    public double PackagesSavedSize => usage.SavedSize;
    [System.ComponentModel.Description("Number of package files (beyond GitLab).")]
    public int PackageFilesCount => (int)Math.Min(int.MaxValue, usage.PackageFiles);
    [System.ComponentModel.Description("Number of distinct contents stored for them (beyond GitLab).")]
    public int StoredBlobsCount => (int)Math.Min(int.MaxValue, usage.StoredBlobs);

    [System.ComponentModel.Description("The packages whose files add up to the most bytes, largest first; at most `first` (1 to 100, default 10) (beyond GitLab).")]
    public async Task<List<PackageSizeNode>> LargestPackages([FromServices] StorageStatistics statistics, int? first = null, CancellationToken ct = default)
    {
        if (first is < 1 or > 100) throw new ExecutionError("first must be between 1 and 100");
        return (await statistics.LargestPackagesAsync(projectIds, first ?? 10, ct)).Select(p => new PackageSizeNode(p.Package, p.Size)).ToList();
    }
}

[Name("ProjectStatistics")]
[System.ComponentModel.Description("Statistics of a project's package storage.")]
public sealed class ProjectStatisticsNode(StorageUsage usage, IQueryable<long> projectIds) : StatisticsNode(usage, projectIds);

[Name("GroupStatistics")]
[System.ComponentModel.Description("Statistics of the package storage of a group, its subgroups and their projects (beyond GitLab, whose rootStorageStatistics covers top-level groups only).")]
public sealed class GroupStatisticsNode(StorageUsage usage, IQueryable<long> projectIds) : StatisticsNode(usage, projectIds);
