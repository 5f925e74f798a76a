using Microsoft.EntityFrameworkCore;
using Registry.Schema.Data;
using Registry.Schema.Identity;
using Registry.Schema.Storage;

namespace Registry.Schema.Packages;

public sealed record StoredFile(PackageFileRecord Record, string BlobKey);

/// <summary>Finds the file a download names: the newest file of that name in that package, hidden packages included.</summary>
public sealed class PackageFinder(RegistryDbContext db, IBlobStore blobs)
{
    public async Task<StoredFile> FindFileAsync(Project project, string name, string version, string fileName, CancellationToken ct)
    {
        PackageNameRules.Validate(name, version);
        var hit = await db.PackageFiles.AsNoTracking()
            .Where(f => f.FileName == fileName && f.Status == PackageFileStatus.Default
                && f.Package.ProjectId == project.Id && f.Package.PackageType == PackageType.Generic
                && f.Package.Name == name && f.Package.Version == version
                && f.Package.Status != PackageStatus.PendingDestruction)
            .OrderByDescending(f => f.Id)
            .Select(f => new { File = f, f.Package })
            .FirstOrDefaultAsync(ct);
        if (hit is null)
        {
            var packageExists = await db.Packages.AnyAsync(p => p.ProjectId == project.Id && p.PackageType == PackageType.Generic
                && p.Name == name && p.Version == version && p.Status != PackageStatus.PendingDestruction, ct);
            throw packageExists ? RegistryProblem.NotFound("Package file") : RegistryProblem.NotFound("Package");
        }
        return new StoredFile(PackageFileRecord.From(hit.File, hit.Package, blobs.FileStore), hit.File.BlobKey);
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
}
