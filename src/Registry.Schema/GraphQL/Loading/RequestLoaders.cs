using Microsoft.EntityFrameworkCore;
using Registry.Schema.Access;
using Registry.Schema.Data;
using Registry.Schema.Identity;
using Registry.Schema.Packages;
using Registry.Schema.Storage;

namespace Registry.Schema.GraphQL.Loading;

/// <summary>The batch loaders of one GraphQL request (a scoped service).</summary>
public sealed class RequestLoaders
{
    private readonly Permissions _permissions;
    private readonly RegistryDbContext _db;
    private BatchLoader<long, ProjectAccess>? _access;

    public RequestLoaders(RegistryDbContext db, PackageQueries queries, IBlobStore blobs, Permissions permissions, DirectoryQueries directory,
        Lifecycle.PackageProtection protection)
    {
        ProtectionRuleExists = new BatchLoader<(long ProjectId, string Name), bool>(async (keys, ct) =>
        {
            var rules = await protection.RulesOfAsync(keys.Select(k => k.ProjectId).Distinct().ToList(), ct);
            return keys.ToDictionary(k => k, k => rules[k.ProjectId].Any(r => Lifecycle.PackageProtection.Matches(r, k.Name)));
        });
        _db = db;
        _permissions = permissions;
        Projects = new BatchLoader<long, Project>(async (ids, ct) =>
            await db.Projects.AsNoTracking().Include(p => p.Namespace).Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct));
        Namespaces = new BatchLoader<long, Namespace>(async (ids, ct) =>
            await db.Namespaces.AsNoTracking().Where(n => ids.Contains(n.Id)).ToDictionaryAsync(n => n.Id, ct));
        PackageFiles = new BatchLoader<long, List<PackageFileRecord>>(async (ids, ct) =>
            await queries.FilesOfAsync(ids, blobs.FileStore, ct));
        NewestPackageFiles = new BatchLoader<(long PackageId, int Take), (List<PackageFileRecord> Newest, int Total)>(async (keys, ct) =>
        {
            var loaded = new Dictionary<(long, int), (List<PackageFileRecord>, int)>();
            foreach (var byTake in keys.GroupBy(k => k.Take))
            {
                var files = await queries.NewestFilesOfAsync(byTake.Select(k => k.PackageId).ToList(), byTake.Key, blobs.FileStore, ct);
                foreach (var key in byTake) loaded[key] = files.TryGetValue(key.PackageId, out var found) ? found : ([], 0);
            }
            return loaded;
        });
        FullNames = new BatchLoader<string, string>(async (keys, ct) =>
        {
            var names = await directory.FullNamesAsync(keys, ct);
            return keys.ToDictionary(k => k, names.Of);
        });
    }

    public BatchLoader<long, Project> Projects { get; }
    public BatchLoader<long, Namespace> Namespaces { get; }
    /// <summary>Every visible file of each package, newest first (a page counted from the end needs them all).</summary>
    public BatchLoader<long, List<PackageFileRecord>> PackageFiles { get; }

    /// <summary>The newest <c>Take</c> visible files of each package and how many it has: a page counted from the start.</summary>
    public BatchLoader<(long PackageId, int Take), (List<PackageFileRecord> Newest, int Total)> NewestPackageFiles { get; }

    /// <summary>Whether a protection rule matches (project, package name): one query for the rules of every project asked.</summary>
    public BatchLoader<(long ProjectId, string Name), bool> ProtectionRuleExists { get; }

    /// <summary>GitLab's <c>full_name</c> of a namespace by its lower-cased full path ("Acme / Tools").</summary>
    public BatchLoader<string, string> FullNames { get; }

    /// <summary>
    /// What the request's actor may do in each project (<c>canDestroy</c>, <c>userPermissions</c>), decided once per
    /// project however many of its packages a page shows.
    /// </summary>
    public BatchLoader<long, ProjectAccess> AccessFor(Actor actor) => _access ??= new BatchLoader<long, ProjectAccess>(async (ids, ct) =>
    {
        var projects = await _db.Projects.AsNoTracking().Where(p => ids.Contains(p.Id)).ToListAsync(ct);
        var result = new Dictionary<long, ProjectAccess>();
        foreach (var project in projects) result[project.Id] = await _permissions.ForProjectAsync(actor, project, ct);
        return result;
    });
}
