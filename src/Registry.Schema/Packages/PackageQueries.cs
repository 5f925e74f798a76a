using Microsoft.EntityFrameworkCore;
using Registry.Schema.Access;
using Registry.Schema.Data;
using Registry.Schema.Identity;

namespace Registry.Schema.Packages;

public enum PackageOrder { CreatedAt, Name, Version, Type, ProjectPath }

/// <summary>A filtered package list (not yet ordered or paged) and a cheap way to its size.</summary>
/// <param name="PerProject">the same list split by project, when it spans several (paged per project and merged)</param>
/// <param name="Identity">what the list's rows depend on (its projects and filter), for keys of cached positions</param>
public sealed record PackageList(IQueryable<Package> Query, Func<CancellationToken, Task<int>> CountAsync,
    IReadOnlyList<IQueryable<Package>>? PerProject = null, string? Identity = null);

public sealed record PackageFilter(string? Name = null, PackageType? Type = null, string? Version = null, PackageStatus? Status = null);

/// <summary>
/// Package lists for projects and groups, shared by GraphQL and REST: filters, GitLab's default of leaving hidden
/// packages out unless a status is asked for, and stable orders (ties broken by id).
/// </summary>
public sealed class PackageQueries(RegistryDbContext db, Permissions permissions, Caching.HotPathCache cache)
{
    public Task<PackageList> ListForProjectAsync(long projectId, PackageFilter filter, CancellationToken ct) =>
        ListAsync([projectId], filter, ct);

    /// <summary>Packages of every project below the group that the actor may read.</summary>
    /// <remarks>
    /// Which projects those are is cached (<see cref="Caching.HotPathCache"/>, ended by any identity write on this
    /// instance): a group's package list otherwise spent four queries on it before reading a package.
    /// </remarks>
    public async Task<PackageList> ListForGroupAsync(Actor actor, Namespace group, PackageFilter filter, bool includeSubgroups, CancellationToken ct)
    {
        var readable = await cache.GetOrLoadAsync(("group-readable", PackageAuthorizer.ActorKey(actor), group.Id, includeSubgroups),
            Caching.CacheScope.Identity, async () =>
            {
                var projects = await db.Projects.AsNoTracking().InGroup(group, includeSubgroups).ToListAsync(ct);
                return (await permissions.ReadableProjectIdsAsync(actor, projects, ct), true, (DateTime?)null);
            });
        return await ListAsync(readable, filter, ct);
    }

    /// <summary>
    /// The other versions of a package (GitLab's <c>versions</c>): the same name and type in the same project, in the
    /// states GitLab displays (default, error, deprecated; hidden and processing ones are left out).
    /// </summary>
    public IQueryable<Package> OtherVersions(Package package) =>
        db.Packages.AsNoTracking().Where(p => p.ProjectId == package.ProjectId && p.PackageType == package.PackageType
            && p.Name == package.Name && p.Version != package.Version
            && (p.Status == PackageStatus.Default || p.Status == PackageStatus.Error || p.Status == PackageStatus.Deprecated));

    /// <summary><see cref="OtherVersions"/> as a list (few rows: counted as they are).</summary>
    public PackageList OtherVersionsList(Package package)
    {
        var query = OtherVersions(package);
        return new(query, ct => query.CountAsync(ct));
    }

    /// <summary>A name filter that matches at most this many names becomes a list of those names (see ListAsync).</summary>
    private const int MaxNamesListed = 50;

    private async Task<PackageList> ListAsync(List<long> projectIds, PackageFilter filter, CancellationToken ct)
    {
        // One project (a project's list, or a group with one readable project) compares with = rather than IN.
        var single = projectIds.Count == 1 ? projectIds[0] : (long?)null;
        var packages = single is { } id ? db.Packages.Where(p => p.ProjectId == id) : db.Packages.Where(p => projectIds.Contains(p.ProjectId));
        var counts = single is { } cid ? db.PackageCounts.Where(c => c.ProjectId == cid) : db.PackageCounts.Where(c => projectIds.Contains(c.ProjectId));

        // A substring filter on names cannot use an index, and PostgreSQL guesses it matches almost nothing: it then
        // sorts the whole project instead of reading the order's index. The counters hold each name once, so the
        // names that match are a quick read; as a list of names the filter seeks the (project, name) index. Filters
        // matching many names keep the substring test (matches are then dense, and an ordered read finds a page soon).
        List<string>? names = null;
        if (!string.IsNullOrEmpty(filter.Name))
        {
            var lower = filter.Name.ToLowerInvariant();
            names = await counts.Where(c => c.Name.ToLower().Contains(lower)).Select(c => c.Name).Distinct().Take(MaxNamesListed + 1).ToListAsync(ct);
            if (names.Count > MaxNamesListed) names = null;
        }
        IQueryable<Package> Rows(IQueryable<Package> q) => Filter(q.AsNoTracking(), names is null ? filter : filter with { Name = null }, names);

        return new(Rows(packages), c => CountAsync(counts, packages, filter, c),
            projectIds.Count is > 1 and <= MaxProjectsMerged ? projectIds.Select(p => Rows(db.Packages.Where(x => x.ProjectId == p))).ToList() : null,
            $"{string.Join(',', projectIds)}|{filter}");
    }

    /// <summary>
    /// The size of a filtered list from <see cref="PackageCount"/>'s rows (one per project, name and status), which
    /// answer every filter but an exact version; a version filter counts the packages themselves through the
    /// (project, version) index.
    /// </summary>
    private static async Task<int> CountAsync(IQueryable<PackageCount> counts, IQueryable<Package> packages, PackageFilter filter, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(filter.Version)) return await Filter(packages, filter).CountAsync(ct);
        // Every package is generic: a type filter changes nothing.
        counts = filter.Status is { } status
            ? counts.Where(c => c.Status == status)
            : counts.Where(c => c.Status != PackageStatus.Hidden && c.Status != PackageStatus.PendingDestruction);
        if (!string.IsNullOrEmpty(filter.Name))
        {
            var name = filter.Name.ToLowerInvariant();
            counts = counts.Where(c => c.Name.ToLower().Contains(name));
        }
        return (int)await counts.SumAsync(c => c.Count, ct);
    }

    /// <param name="names">when given, only packages of these names (a name filter already resolved to names)</param>
    public static IQueryable<Package> Filter(IQueryable<Package> query, PackageFilter filter, List<string>? names = null)
    {
        if (names is not null) query = query.Where(p => names.Contains(p.Name));
        query = filter.Status is { } status
            ? query.Where(p => p.Status == status)
            : query.Where(p => p.Status != PackageStatus.Hidden && p.Status != PackageStatus.PendingDestruction);
        if (!string.IsNullOrEmpty(filter.Name))
        {
            var name = filter.Name.ToLowerInvariant();
            query = query.Where(p => p.Name.ToLower().Contains(name));
        }
        if (filter.Type is { } type) query = query.Where(p => p.PackageType == type);
        if (!string.IsNullOrEmpty(filter.Version)) query = query.Where(p => p.Version == filter.Version);
        return query;
    }

    /// <summary>Lists of up to this many projects are paged project by project and merged (PackagePager).</summary>
    public const int MaxProjectsMerged = 20;

    /// <summary>
    /// <see cref="Order"/> on rows in memory, exactly: names and versions are ASCII (PackageNameRules), so ordinal
    /// comparison is the databases' binary ("C") order.
    /// </summary>
    public static IEnumerable<Package> OrderInMemory(IEnumerable<Package> rows, PackageOrder order, bool descending)
    {
        Func<Package, IComparable> key = order switch
        {
            PackageOrder.Name => p => new OrdinalString(p.Name),
            PackageOrder.Version => p => new OrdinalString(p.Version),
            PackageOrder.Type => p => p.PackageType,
            PackageOrder.ProjectPath => p => new OrdinalString(p.Project.FullPath),
            _ => p => p.CreatedAt,
        };
        return descending ? rows.OrderByDescending(key).ThenByDescending(p => p.Id) : rows.OrderBy(key).ThenBy(p => p.Id);
    }

    private readonly record struct OrdinalString(string Value) : IComparable
    {
        public int CompareTo(object? other) => string.CompareOrdinal(Value, ((OrdinalString)other!).Value);
    }

    public static IOrderedQueryable<Package> Order(IQueryable<Package> query, PackageOrder order, bool descending) => (order, descending) switch
    {
        (PackageOrder.Name, false) => query.OrderBy(p => p.Name).ThenBy(p => p.Id),
        (PackageOrder.Name, true) => query.OrderByDescending(p => p.Name).ThenByDescending(p => p.Id),
        (PackageOrder.Version, false) => query.OrderBy(p => p.Version).ThenBy(p => p.Id),
        (PackageOrder.Version, true) => query.OrderByDescending(p => p.Version).ThenByDescending(p => p.Id),
        (PackageOrder.Type, false) => query.OrderBy(p => p.PackageType).ThenBy(p => p.Id),
        (PackageOrder.Type, true) => query.OrderByDescending(p => p.PackageType).ThenByDescending(p => p.Id),
        (PackageOrder.ProjectPath, false) => query.OrderBy(p => p.Project.FullPath).ThenBy(p => p.Id),
        (PackageOrder.ProjectPath, true) => query.OrderByDescending(p => p.Project.FullPath).ThenByDescending(p => p.Id),
        (_, false) => query.OrderBy(p => p.CreatedAt).ThenBy(p => p.Id),
        (_, true) => query.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id),
    };

    /// <summary>
    /// A package by id with its project, or null when the actor may not read it (indistinguishable from missing); a
    /// hidden one only for members.
    /// </summary>
    public async Task<Package?> FindReadableAsync(Actor actor, long packageId, CancellationToken ct)
    {
        var package = await db.Packages.AsNoTracking().Include(p => p.Project)
            .FirstOrDefaultAsync(p => p.Id == packageId && p.Status != PackageStatus.PendingDestruction, ct);
        if (package is null) return null;
        var access = await permissions.ForProjectAsync(actor, package.Project, ct);
        // A hidden package is the project members' business (docs/api-contract.md, GraphQL): outsiders of a public project get null.
        return access.CanRead && (package.Status != PackageStatus.Hidden || access.Role is not null) ? package : null;
    }

    /// <summary>
    /// At most <paramref name="take"/> newest visible files of each package, newest first, and how many it has: what a
    /// page of a package list shows. The files are counted first (index only); packages with no more than
    /// <paramref name="take"/> files (nearly all) are read in one statement, and each larger one with a seek that
    /// stops after <paramref name="take"/> rows, so a version with thousands of files costs a list no more than one
    /// with a few (every file of every listed package was read into objects for each list before).
    /// </summary>
    /// <param name="packages">the packages, already read by the list that shows them: their files are read without them</param>
    public async Task<Dictionary<long, (List<PackageFileRecord> Newest, int Total)>> NewestFilesOfAsync(IReadOnlyCollection<Package> packages,
        int take, int fileStore, CancellationToken ct)
    {
        var byId = ById(packages);
        var ids = byId.Keys.ToList();
        var counts = await db.PackageFiles.AsNoTracking()
            .Where(f => ids.Contains(f.PackageId) && f.Status == PackageFileStatus.Default)
            .GroupBy(f => f.PackageId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(c => c.Key, c => c.Count, ct);
        var result = ids.ToDictionary(id => id, id => (Newest: new List<PackageFileRecord>(), Total: counts.GetValueOrDefault(id)));
        var whole = ids.Where(id => result[id].Total is > 0 && result[id].Total <= take).Select(id => byId[id]).ToList();
        if (whole.Count > 0)
            foreach (var (id, files) in await FilesOfAsync(whole, fileStore, ct))
                result[id] = (files, result[id].Total);
        foreach (var id in ids.Where(id => result[id].Total > take))
        {
            var newest = await Columns(VisibleFilesOf(id).OrderByDescending(f => f.Id).Take(take)).ToListAsync(ct);
            result[id] = (newest.Select(f => PackageFileRecord.From(f, byId[id], fileStore)).ToList(), result[id].Total);
        }
        return result;
    }

    /// <summary>A package's visible files, for a list that orders and pages them in SQL.</summary>
    public IQueryable<PackageFile> VisibleFilesOf(long packageId) =>
        db.PackageFiles.AsNoTracking().Where(f => f.PackageId == packageId && f.Status == PackageFileStatus.Default);

    /// <summary>The collation that orders text by code point, as .NET's ordinal comparison (PostgreSQL's default follows the locale).</summary>
    public string OrdinalCollation => db.Database.IsNpgsql() ? "C" : "BINARY";

    /// <summary>The visible files of each package, newest first.</summary>
    /// <param name="packages">the packages, already read by the list that shows them: their files are read without them</param>
    public async Task<Dictionary<long, List<PackageFileRecord>>> FilesOfAsync(IReadOnlyCollection<Package> packages, int fileStore, CancellationToken ct)
    {
        var byId = ById(packages);
        var ids = byId.Keys.ToList();
        // Sorted here, not in SQL: asked to order by id, SQLite walks the whole (Status) index in id order instead
        // of seeking each package's files, which grows with the table rather than with the page.
        var rows = await Columns(db.PackageFiles.AsNoTracking()
            .Where(f => ids.Contains(f.PackageId) && f.Status == PackageFileStatus.Default))
            .ToListAsync(ct);
        return rows.OrderByDescending(r => r.Id).GroupBy(r => r.PackageId)
            .ToDictionary(g => g.Key, g => g.Select(f => PackageFileRecord.From(f, byId[g.Key], fileStore)).ToList());
    }

    private static Dictionary<long, Package> ById(IReadOnlyCollection<Package> packages)
    {
        var byId = new Dictionary<long, Package>(packages.Count);
        foreach (var package in packages) byId.TryAdd(package.Id, package);
        return byId;
    }

    /// <summary>
    /// Only the columns a <see cref="PackageFileRecord"/> takes from a file, and no package per row: a list's files
    /// are most of what it reads, and each row's package (its name, version, dates) was read again for every file.
    /// The blob key is not read (records never show it).
    /// </summary>
    private static IQueryable<PackageFile> Columns(IQueryable<PackageFile> files) =>
        files.Select(f => FileOf(f.Id, f.PackageId, f.FileName, f.Size, f.FileSha256, f.FileMd5, f.FileSha1, f.CreatedAt, f.UpdatedAt));

    // A method, not an initializer in the projection: EF would send a constant blob key to the database and read it back for every row.
    private static PackageFile FileOf(long id, long packageId, string fileName, long size, string sha256, string? md5, string? sha1,
        DateTime createdAt, DateTime updatedAt) =>
        new()
        {
            Id = id, PackageId = packageId, FileName = fileName, Size = size, FileSha256 = sha256, FileMd5 = md5, FileSha1 = sha1,
            CreatedAt = createdAt, UpdatedAt = updatedAt, BlobKey = "",
        };
}
