using Microsoft.EntityFrameworkCore;
using Registry.Schema.Audit;
using Registry.Schema.Data;
using Registry.Schema.Identity;

namespace Registry.Schema.Packages;

/// <summary>
/// Compares two versions of a package name by their files: a name only in the newer one is added, only in the older one
/// removed, in both with another SHA-256 changed. Of several files of one name, the one a download by name serves (the
/// newest) stands for the name. Who published a file is read from its <c>package_file_published</c> audit event.
/// </summary>
public sealed class PackageComparer(RegistryDbContext db, PackageQueries queries)
{
    /// <summary>
    /// The comparison of <paramref name="baseId"/> with <paramref name="headId"/>, both packages of
    /// <paramref name="project"/> the actor may read; null when either is not. Versions of different names are refused.
    /// </summary>
    public async Task<PackageVersionComparison?> CompareAsync(Actor actor, Project project, long baseId, long headId, CancellationToken ct)
    {
        var older = await queries.FindReadableAsync(actor, baseId, ct);
        var newer = await queries.FindReadableAsync(actor, headId, ct);
        if (older is null || newer is null || older.ProjectId != project.Id || newer.ProjectId != project.Id) return null;
        if (older.Name != newer.Name) throw RegistryError.BadRequest("Only versions of the same package can be compared");

        var ids = new[] { older.Id, newer.Id };
        var files = await db.PackageFiles.AsNoTracking()
            .Where(f => ids.Contains(f.PackageId) && f.Status == PackageFileStatus.Default)
            .Select(f => new { f.Id, f.PackageId, f.FileName, f.Size, f.FileSha256, f.CreatedAt }).ToListAsync(ct);
        var fileIds = files.Select(f => (long?)f.Id).ToList();
        var publishers = (await db.AuditEvents.AsNoTracking()
                .Where(e => e.ProjectId == project.Id && e.EventName == AuditEventNames.PackagePublished
                    && e.TargetType == "Packages::PackageFile" && fileIds.Contains(e.TargetId))
                .Select(e => new { e.TargetId, e.AuthorName }).ToListAsync(ct))
            .GroupBy(e => e.TargetId!.Value).ToDictionary(g => g.Key, g => g.First().AuthorName);

        Dictionary<string, PackageVersionComparison.Side> Served(long packageId) => files.Where(f => f.PackageId == packageId)
            .GroupBy(f => f.FileName, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(f => f.CreatedAt).ThenByDescending(f => f.Id)
                .Select(f => new PackageVersionComparison.Side(f.Id, f.Size, f.FileSha256, f.CreatedAt, publishers.GetValueOrDefault(f.Id))).First(),
                StringComparer.Ordinal);
        List<string> PublishersOf(long packageId) => files.Where(f => f.PackageId == packageId).OrderBy(f => f.CreatedAt)
            .Select(f => publishers.GetValueOrDefault(f.Id)).OfType<string>().Distinct().ToList();

        var before = Served(older.Id);
        var after = Served(newer.Id);
        var names = before.Keys.Union(after.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var differences = names.Select(name =>
        {
            var b = before.GetValueOrDefault(name);
            var a = after.GetValueOrDefault(name);
            var change = b is null ? PackageFileChange.Added : a is null ? PackageFileChange.Removed
                : b.Sha256 == a.Sha256 ? PackageFileChange.Unchanged : PackageFileChange.Changed;
            return new PackageVersionComparison.FileName(name, change, b, a);
        }).ToList();
        return new PackageVersionComparison(older, newer, differences, PublishersOf(older.Id), PublishersOf(newer.Id));
    }
}
