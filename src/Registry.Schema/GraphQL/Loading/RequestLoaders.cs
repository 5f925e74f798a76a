using Microsoft.EntityFrameworkCore;
using Registry.Schema.Data;
using Registry.Schema.Identity;
using Registry.Schema.Packages;
using Registry.Schema.Storage;

namespace Registry.Schema.GraphQL.Loading;

/// <summary>The batch loaders of one GraphQL request (a scoped service).</summary>
public sealed class RequestLoaders
{
    public RequestLoaders(RegistryDbContext db, PackageQueries queries, IBlobStore blobs)
    {
        Projects = new BatchLoader<long, Project>(async (ids, ct) =>
            await db.Projects.AsNoTracking().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct));
        PackageFiles = new BatchLoader<long, List<PackageFileRecord>>(async (ids, ct) =>
            await queries.FilesOfAsync(ids, blobs.FileStore, ct));
    }

    public BatchLoader<long, Project> Projects { get; }
    public BatchLoader<long, List<PackageFileRecord>> PackageFiles { get; }
}
