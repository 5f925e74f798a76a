using Microsoft.EntityFrameworkCore;
using Registry.Schema.Data;
using Registry.Schema.Identity;

namespace Registry.Schema.Packages;

public enum PackageOrder { CreatedAt, Name, Version, Type, ProjectPath }

public sealed record PackageFilter(string? Name = null, PackageType? Type = null, string? Version = null, PackageStatus? Status = null);

/// <summary>
/// Package lists for projects and groups, shared by GraphQL and REST: filters, GitLab's default of leaving hidden
/// packages out unless a status is asked for, and stable orders (ties broken by id).
/// </summary>
public sealed class PackageQueries(RegistryDbContext db, Permissions permissions)
{
    public IQueryable<Package> ForProject(long projectId, PackageFilter filter) =>
        Filter(db.Packages.AsNoTracking().Where(p => p.ProjectId == projectId), filter);

    /// <summary>Packages of every project below the group that the actor may read.</summary>
    public async Task<IQueryable<Package>> ForGroupAsync(Actor actor, Namespace group, PackageFilter filter, bool includeSubgroups, CancellationToken ct)
    {
        var prefix = group.FullPathKey + "/";
        var projects = await db.Projects.AsNoTracking()
            .Where(p => p.NamespaceId == group.Id || (includeSubgroups && p.Namespace.FullPathKey.StartsWith(prefix)))
            .ToListAsync(ct);
        var readable = await permissions.ReadableProjectIdsAsync(actor, projects, ct);
        return Filter(db.Packages.AsNoTracking().Where(p => readable.Contains(p.ProjectId)), filter);
    }

    /// <summary>
    /// The other versions of a package (GitLab's <c>versions</c>): the same name and type in the same project, in the
    /// states GitLab displays (default, error, deprecated; hidden and processing ones are left out).
    /// </summary>
    public IQueryable<Package> OtherVersions(Package package) =>
        db.Packages.AsNoTracking().Where(p => p.ProjectId == package.ProjectId && p.PackageType == package.PackageType
            && p.Name == package.Name && p.Version != package.Version
            && (p.Status == PackageStatus.Default || p.Status == PackageStatus.Error || p.Status == PackageStatus.Deprecated));

    public static IQueryable<Package> Filter(IQueryable<Package> query, PackageFilter filter)
    {
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
        // A hidden package is the project members' business (CONTRACT 6): outsiders of a public project get null.
        return access.CanRead && (package.Status != PackageStatus.Hidden || access.Role is not null) ? package : null;
    }

    /// <summary>The visible files of each package, newest first.</summary>
    public async Task<Dictionary<long, List<PackageFileRecord>>> FilesOfAsync(IReadOnlyCollection<long> packageIds, int fileStore, CancellationToken ct)
    {
        var rows = await db.PackageFiles.AsNoTracking()
            .Where(f => packageIds.Contains(f.PackageId) && f.Status == PackageFileStatus.Default)
            .OrderByDescending(f => f.Id)
            .Select(f => new { File = f, f.Package })
            .ToListAsync(ct);
        return rows.GroupBy(r => r.File.PackageId)
            .ToDictionary(g => g.Key, g => g.Select(r => PackageFileRecord.From(r.File, r.Package, fileStore)).ToList());
    }
}
