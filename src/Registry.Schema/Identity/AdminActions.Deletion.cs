using Microsoft.EntityFrameworkCore;
using Registry.Schema.Access;
using Registry.Schema.Audit;
using Registry.Schema.Packages;

namespace Registry.Schema.Identity;

/// <summary>What a deletion takes with it, counted by the server before it is confirmed.</summary>
/// <param name="Bytes">the total size of the files (bytes that other files share stay stored for them)</param>
public sealed record DeletionPreview(int Projects, int Groups, int Packages, int Files, long Bytes);

/// <summary>
/// Deleting users, groups and projects. The rows go in one transaction (nothing half-deleted): the projects with their
/// packages, files, members, tokens, rules and hooks; then the groups, deepest first; then the user. The stored bytes
/// go right after, as the package deletion's sweep removes them (<see cref="PackageDestroyer.RemoveStoredBytesAsync"/>),
/// and so do the bytes of unfinished resumable uploads; a crash between the two leaves bytes no row refers to, which
/// the orphan collections remove.
/// </summary>
public sealed partial class AdminActions
{
    public const string OnlyAdministratorsDelete = "Only administrators can delete users, groups and projects";
    public const string CannotDeleteYourself = "You cannot delete yourself";

    /// <summary>What deleting <paramref name="kind"/> <paramref name="path"/> would take; null for a non-administrator.</summary>
    public async Task<DeletionPreview?> PreviewAsync(Actor actor, DeletionKind kind, AdminTarget target, CancellationToken ct)
    {
        if (!AccessRules.IsAdministrator(actor, write: false)) return null;
        var scope = await ScopeAsync(kind, target, ct);
        return await CountAsync(scope, ct);
    }

    public async Task<DeletionPreview> DeleteProjectAsync(Actor actor, AdminTarget target, CancellationToken ct)
    {
        RequireAdministrator(actor, OnlyAdministratorsDelete);
        return await DeleteAsync(actor, await ScopeAsync(DeletionKind.Project, target, ct), ct);
    }

    public async Task<DeletionPreview> DeleteGroupAsync(Actor actor, AdminTarget target, CancellationToken ct)
    {
        RequireAdministrator(actor, OnlyAdministratorsDelete);
        return await DeleteAsync(actor, await ScopeAsync(DeletionKind.Group, target, ct), ct);
    }

    /// <summary>
    /// Deletes a user with their personal namespace and its projects, their memberships, tokens and sessions. Groups they
    /// belonged to stay (administrators manage them); nobody deletes themselves, so an administrator always remains.
    /// </summary>
    public async Task<DeletionPreview> DeleteUserAsync(Actor actor, AdminTarget target, CancellationToken ct)
    {
        var admin = RequireAdministrator(actor, OnlyAdministratorsDelete);
        var user = await FindUserAsync(target, ct);
        if (user.Id == admin.Id) throw RegistryError.Forbidden(CannotDeleteYourself, restDetail: true);
        return await DeleteAsync(actor, await ScopeAsync(DeletionKind.User, AdminTarget.ById(user.Id), ct), ct);
    }

    /// <summary>What one deletion covers: the projects, the namespaces (deepest first) and the user.</summary>
    private sealed record Scope(DeletionKind Kind, string Path, AuditEntity Entity, List<long> ProjectIds, List<Namespace> Namespaces, User? User);

    private async Task<Scope> ScopeAsync(DeletionKind kind, AdminTarget target, CancellationToken ct)
    {
        var byId = target.Id?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        switch (kind)
        {
            case DeletionKind.Project:
            {
                // A project's full path always has a '/', so the locator never reads it as an id.
                var project = await locator.FindProjectAsync(byId ?? target.Path ?? "", ct) is { } p && (byId is not null || p.FullPath.Contains('/'))
                    ? p : throw RegistryError.NotFound("Project", "Project not found");
                return new Scope(kind, project.FullPath, AuditEntity.For(project), [project.Id], [], null);
            }
            case DeletionKind.Group:
            {
                var group = (byId is not null ? await locator.FindGroupAsync(byId, ct) : await locator.FindNamespaceAsync(target.Path ?? "", ct))
                    is { Kind: NamespaceKind.Group } g ? g : throw RegistryError.NotFound("Group", "Group not found");
                var namespaces = await db.Namespaces.AsNoTracking().AtOrBelow(group).Where(n => n.Kind == NamespaceKind.Group).ToListAsync(ct);
                return new Scope(kind, group.FullPath, AuditEntity.For(group), await ProjectIdsAsync(namespaces, ct),
                    namespaces.OrderByDescending(n => n.FullPath.Count(c => c == '/')).ToList(), null);
            }
            default:
            {
                var user = await FindUserAsync(target, ct);
                var personal = await db.Namespaces.AsNoTracking().Where(n => n.Id == user.NamespaceId).ToListAsync(ct);
                return new Scope(kind, user.Username, AuditEntity.For(user), await ProjectIdsAsync(personal, ct), personal, user);
            }
        }
    }

    private Task<List<long>> ProjectIdsAsync(List<Namespace> namespaces, CancellationToken ct)
    {
        var ids = namespaces.Select(n => n.Id).ToList();
        return db.Projects.AsNoTracking().Where(p => ids.Contains(p.NamespaceId)).Select(p => p.Id).ToListAsync(ct);
    }

    /// <summary>The packages and files a person still sees (not those already being destroyed), and their bytes.</summary>
    private async Task<DeletionPreview> CountAsync(Scope scope, CancellationToken ct)
    {
        var packages = await db.Packages.AsNoTracking()
            .CountAsync(p => scope.ProjectIds.Contains(p.ProjectId) && p.Status != PackageStatus.PendingDestruction, ct);
        var files = db.PackageFiles.AsNoTracking().Where(f => scope.ProjectIds.Contains(f.Package.ProjectId)
            && f.Status != PackageFileStatus.PendingDestruction && f.Package.Status != PackageStatus.PendingDestruction);
        var fileCount = await files.CountAsync(ct);
        var bytes = fileCount == 0 ? 0 : await files.SumAsync(f => f.Size, ct);
        return new DeletionPreview(scope.ProjectIds.Count, scope.Namespaces.Count(n => n.Kind == NamespaceKind.Group), packages, fileCount, bytes);
    }

    private async Task<DeletionPreview> DeleteAsync(Actor actor, Scope scope, CancellationToken ct)
    {
        var preview = await CountAsync(scope, ct);
        var projectIds = scope.ProjectIds;
        var namespaceIds = scope.Namespaces.Select(n => n.Id).ToList();
        List<(long? ContentBlobId, string BlobKey)> stored;
        List<Uploads.ResumableUpload> unfinished;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            // Read inside the transaction: a file recorded after this read would be deleted with its project but keep
            // its bytes until the orphan collection.
            stored = (await db.PackageFiles.AsNoTracking().Where(f => projectIds.Contains(f.Package.ProjectId))
                .Select(f => new { f.ContentBlobId, f.BlobKey }).ToListAsync(ct)).Select(f => (f.ContentBlobId, f.BlobKey)).ToList();
            unfinished = await db.ResumableUploads.AsNoTracking().Where(u => projectIds.Contains(u.ProjectId)).ToListAsync(ct);

            // The bots of the projects' and groups' access tokens go with them, and so do their personal namespaces.
            var bots = await db.Users.AsNoTracking()
                .Where(u => (u.BotProjectId != null && projectIds.Contains(u.BotProjectId.Value))
                    || (u.BotGroupId != null && namespaceIds.Contains(u.BotGroupId.Value)))
                .Select(u => new { u.Id, u.NamespaceId }).ToListAsync(ct);
            var botIds = bots.Select(b => b.Id).ToList();
            var botNamespaces = bots.Select(b => b.NamespaceId).ToList();
            await db.Users.Where(u => botIds.Contains(u.Id)).ExecuteDeleteAsync(ct);
            await db.Namespaces.Where(n => botNamespaces.Contains(n.Id)).ExecuteDeleteAsync(ct);

            // The projects take their packages, files, members, tokens, rules, hooks and uploads (cascades).
            await db.Projects.Where(p => projectIds.Contains(p.Id)).ExecuteDeleteAsync(ct);
            if (scope.User is { } user)
            {
                await db.Users.Where(u => u.Id == user.Id).ExecuteDeleteAsync(ct);
            }
            // One at a time, children first: a parent is restricted while a subgroup refers to it.
            foreach (var ns in scope.Namespaces)
                await db.Namespaces.Where(n => n.Id == ns.Id).ExecuteDeleteAsync(ct);

            audit.Add(actor, scope.Entity, scope.Kind switch
            {
                DeletionKind.Project => AuditEventNames.ProjectDestroyed,
                DeletionKind.Group => AuditEventNames.GroupDestroyed,
                _ => AuditEventNames.UserDestroyed,
            }, new AuditTarget(scope.Kind.ToString(), scope.Entity.Id, scope.Path), new Dictionary<string, object?>
            {
                ["projects"] = preview.Projects, ["groups"] = preview.Groups, ["packages"] = preview.Packages,
                ["files"] = preview.Files, ["bytes"] = preview.Bytes,
            });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        // The rows are gone for good: the bytes follow, even when the caller has gone away meanwhile.
        foreach (var (contentBlobId, blobKey) in stored.Distinct())
            await destroyer.RemoveStoredBytesAsync(contentBlobId, blobKey, CancellationToken.None);
        foreach (var upload in unfinished)
            await uploads.DiscardBytesAsync(upload, CancellationToken.None);
        return preview;
    }
}

/// <summary>What an administrator deletes.</summary>
public enum DeletionKind { User, Group, Project }
