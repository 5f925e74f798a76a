using Microsoft.EntityFrameworkCore;
using Registry.Schema.Data;

namespace Registry.Schema.Identity;

/// <summary>Finds projects and namespaces by GitLab's identifiers: a numeric id or a full path, case-insensitively.</summary>
public sealed class ProjectLocator(RegistryDbContext db)
{
    public Task<Project?> FindProjectAsync(string idOrPath, CancellationToken ct)
    {
        if (long.TryParse(idOrPath, System.Globalization.NumberStyles.None, null, out var id))
            return db.Projects.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        var key = PathKey(idOrPath);
        return db.Projects.AsNoTracking().FirstOrDefaultAsync(p => p.FullPathKey == key, ct);
    }

    public Task<Namespace?> FindNamespaceAsync(string fullPath, CancellationToken ct)
    {
        var key = PathKey(fullPath);
        return db.Namespaces.AsNoTracking().FirstOrDefaultAsync(n => n.FullPathKey == key, ct);
    }

    /// <summary>A group by numeric id or full path (GitLab's <c>/groups/:id</c>); user namespaces are not groups.</summary>
    public Task<Namespace?> FindGroupAsync(string idOrPath, CancellationToken ct)
    {
        if (long.TryParse(idOrPath, System.Globalization.NumberStyles.None, null, out var id))
            return db.Namespaces.AsNoTracking().FirstOrDefaultAsync(n => n.Id == id && n.Kind == NamespaceKind.Group, ct);
        var key = PathKey(idOrPath);
        return db.Namespaces.AsNoTracking().FirstOrDefaultAsync(n => n.FullPathKey == key && n.Kind == NamespaceKind.Group, ct);
    }

    public static string PathKey(string fullPath) => fullPath.Trim('/').ToLowerInvariant();
}
