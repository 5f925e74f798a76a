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
        PackageFiles = new BatchLoader<Package, List<PackageFileRecord>>(async (packages, ct) =>
        {
            var files = await queries.FilesOfAsync(packages, blobs.FileStore, ct);
            return packages.Where(p => files.ContainsKey(p.Id)).ToDictionary(p => p, p => files[p.Id], SamePackage.Instance);
        }, SamePackage.Instance);
        NewestPackageFiles = new BatchLoader<(Package Package, int Take), (List<PackageFileRecord> Newest, int Total)>(async (keys, ct) =>
        {
            var loaded = new Dictionary<(Package, int), (List<PackageFileRecord>, int)>(SamePackagePage.Instance);
            foreach (var byTake in keys.GroupBy(k => k.Take))
            {
                var files = await queries.NewestFilesOfAsync(byTake.Select(k => k.Package).ToList(), byTake.Key, blobs.FileStore, ct);
                foreach (var key in byTake) loaded[key] = files.TryGetValue(key.Package.Id, out var found) ? found : ([], 0);
            }
            return loaded;
        }, SamePackagePage.Instance);
        FullNames = new BatchLoader<string, string>(async (keys, ct) =>
        {
            var names = await directory.FullNamesAsync(keys, ct);
            return keys.ToDictionary(k => k, names.Of);
        });
    }

    public BatchLoader<long, Project> Projects { get; }
    public BatchLoader<long, Namespace> Namespaces { get; }
    /// <summary>
    /// Every visible file of each package, newest first (a page counted from the end needs them all). Keyed by the
    /// package the list already read, so its files are read without it.
    /// </summary>
    public BatchLoader<Package, List<PackageFileRecord>> PackageFiles { get; }

    /// <summary>The newest <c>Take</c> visible files of each package and how many it has: a page counted from the start.</summary>
    public BatchLoader<(Package Package, int Take), (List<PackageFileRecord> Newest, int Total)> NewestPackageFiles { get; }

    /// <summary>Packages as loader keys: the same package whichever list read it.</summary>
    private sealed class SamePackage : IEqualityComparer<Package>
    {
        public static readonly SamePackage Instance = new();
        public bool Equals(Package? x, Package? y) => x?.Id == y?.Id;
        public int GetHashCode(Package obj) => obj.Id.GetHashCode();
    }

    private sealed class SamePackagePage : IEqualityComparer<(Package Package, int Take)>
    {
        public static readonly SamePackagePage Instance = new();
        public bool Equals((Package Package, int Take) x, (Package Package, int Take) y) => x.Package.Id == y.Package.Id && x.Take == y.Take;
        public int GetHashCode((Package Package, int Take) obj) => HashCode.Combine(obj.Package.Id, obj.Take);
    }

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
