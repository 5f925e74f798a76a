using Microsoft.EntityFrameworkCore;
using Registry.Schema.Caching;
using Registry.Schema.Data;
using Registry.Schema.Identity;
using Registry.Schema.Storage;

namespace Registry.Schema.Packages;

public sealed record StoredFile(PackageFileRecord Record, string BlobKey);

/// <summary>Finds the file a download names: the newest file of that name in that package, hidden packages included.</summary>
public sealed class PackageFinder(RegistryDbContext db, IBlobStore blobs, HotPathCache cache)
{
    public async Task<StoredFile> FindFileAsync(Project project, string name, string version, string fileName, CancellationToken ct)
    {
        PackageNameRules.Validate(name, version);
        // Cached for downloads only (HotPathCache); the duplicate checks of uploads always read the database.
        var file = await cache.GetOrLoadAsync(("file", project.Id, name, version, fileName), CacheScope.IdentityAndPackages, async () =>
        {
            var found = await FindNewestAsync(project.Id, name, version, fileName, ct);
            return (found, found is not null, (DateTime?)null);
        });
        if (file is not null) return file;
        var packageExists = await VisiblePackages(project.Id, name).AnyAsync(p => p.Version == version, ct);
        throw packageExists ? RegistryError.NotFound("Package file") : RegistryError.NotFound("Package");
    }

    /// <summary>The newest visible file of that name in that package version, or null (downloads, duplicate checks).</summary>
    public async Task<StoredFile?> FindNewestAsync(long projectId, string name, string version, string fileName, CancellationToken ct)
    {
        var hit = await NewestFileQuery(projectId, name, version, fileName)
            .Select(f => new { File = f, f.Package })
            .FirstOrDefaultAsync(ct);
        return hit is null ? null : new StoredFile(PackageFileRecord.From(hit.File, hit.Package, blobs.FileStore), hit.File.BlobKey);
    }

    /// <summary>The files <see cref="FindNewestAsync"/> picks the first of (public so a test can read its plan).</summary>
    public IQueryable<PackageFile> NewestFileQuery(long projectId, string name, string version, string fileName) =>
        db.PackageFiles.AsNoTracking()
            .Where(f => f.FileName == fileName && f.Status == PackageFileStatus.Default
                && f.Package.ProjectId == projectId && f.Package.PackageType == PackageType.Generic
                && f.Package.Name == name && f.Package.Version == version
                && f.Package.Status != PackageStatus.PendingDestruction)
            .OrderByDescending(f => f.Id);

    /// <summary>Generic packages of that name in the project that are not being destroyed (hidden ones included).</summary>
    private IQueryable<Package> VisiblePackages(long projectId, string name) =>
        db.Packages.AsNoTracking().Where(p => p.ProjectId == projectId && p.PackageType == PackageType.Generic
            && p.Name == name && p.Status != PackageStatus.PendingDestruction);

    private async Task<Package> VisiblePackageAsync(Project project, string name, string version, CancellationToken ct)
    {
        PackageNameRules.Validate(name, version);
        return await VisiblePackages(project.Id, name).FirstOrDefaultAsync(p => p.Version == version, ct)
            ?? throw RegistryError.NotFound("Package");
    }

    /// <summary>A visible file by id within one package (the Packages API's download), or null.</summary>
    public async Task<StoredFile?> FindFileByIdAsync(long packageId, long fileId, CancellationToken ct)
    {
        var hit = await db.PackageFiles.AsNoTracking()
            .Where(f => f.Id == fileId && f.PackageId == packageId && f.Status == PackageFileStatus.Default
                && f.Package.Status != PackageStatus.PendingDestruction)
            .Select(f => new { File = f, f.Package })
            .FirstOrDefaultAsync(ct);
        return hit is null ? null : new StoredFile(PackageFileRecord.From(hit.File, hit.Package, blobs.FileStore), hit.File.BlobKey);
    }

    public const string LatestAlias = "latest";

    /// <summary>
    /// Resolves the <c>latest</c> alias: a version literally named <c>latest</c> wins; otherwise the highest version
    /// (by <see cref="VersionOrder"/>) of a visible package that holds the file (any file when none is named).
    /// </summary>
    public async Task<string> ResolveVersionAsync(Project project, string name, string version, string? fileName, CancellationToken ct)
    {
        if (version != LatestAlias) return version;
        var packages = VisiblePackages(project.Id, name);
        if (await packages.AnyAsync(p => p.Version == LatestAlias, ct)) return LatestAlias;
        var versions = await packages
            .Where(p => p.Status == PackageStatus.Default
                && p.Files.Any(f => f.Status == PackageFileStatus.Default && (fileName == null || f.FileName == fileName)))
            .Select(p => p.Version).ToListAsync(ct);
        return versions.Count == 0 ? throw RegistryError.NotFound("Package") : versions.Max(VersionOrder.Instance)!;
    }

    /// <summary>The newest file of each name in one package version, ordered by name.</summary>
    public async Task<List<StoredFile>> FilesOfVersionAsync(Project project, string name, string version, CancellationToken ct)
    {
        var package = await VisiblePackageAsync(project, name, version, ct);
        // Sorted here: see PackageQueries.FilesOfAsync.
        var files = (await db.PackageFiles.AsNoTracking()
            .Where(f => f.PackageId == package.Id && f.Status == PackageFileStatus.Default)
            .ToListAsync(ct)).OrderByDescending(f => f.Id);
        return files.DistinctBy(f => f.FileName).OrderBy(f => f.FileName, StringComparer.Ordinal)
            .Select(f => new StoredFile(PackageFileRecord.From(f, package, blobs.FileStore), f.BlobKey)).ToList();
    }

    /// <summary>Ids of the package and of every visible file of that name in it (all files when none is named).</summary>
    public async Task<(long PackageId, List<long> FileIds)> IdsForDeleteAsync(Project project, string name, string version, string? fileName, CancellationToken ct)
    {
        var package = await VisiblePackageAsync(project, name, version, ct);
        var ids = await db.PackageFiles.AsNoTracking()
            .Where(f => f.PackageId == package.Id && f.Status == PackageFileStatus.Default && (fileName == null || f.FileName == fileName))
            .Select(f => f.Id).ToListAsync(ct);
        if (fileName is not null && ids.Count == 0) throw RegistryError.NotFound("Package file");
        return (package.Id, ids);
    }
}
