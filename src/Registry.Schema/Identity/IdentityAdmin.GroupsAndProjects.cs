namespace Registry.Schema.Identity;

/// <summary>Groups and projects: who may create them where.</summary>
public sealed partial class IdentityAdmin
{
    public async Task<Namespace> CreateGroupAsync(Actor actor, string path, string? name, string? parentPath, Visibility visibility, CancellationToken ct)
    {
        var user = RequirePerson(actor, "create groups");
        ValidatePath(path, "Path");
        string fullPath = path;
        Namespace? parent = null;
        if (!string.IsNullOrEmpty(parentPath))
        {
            parent = await locator.FindNamespaceAsync(parentPath, ct);
            if (parent is null || parent.Kind != NamespaceKind.Group || !await permissions.CanSeeNamespaceAsync(actor, parent, ct))
                throw RegistryError.NotFound("Group", "Parent group not found");
            if (await permissions.NamespaceRoleAsync(user, parent, ct) is not >= AccessLevel.Maintainer)
                throw RegistryError.Forbidden("You do not have permission to create a subgroup in this group", restDetail: true);
            fullPath = parent.FullPath + "/" + path;
        }
        await EnsurePathFreeAsync(fullPath, ct);
        var group = new Namespace
        {
            Kind = NamespaceKind.Group, Path = path, FullPath = fullPath, FullPathKey = ProjectLocator.PathKey(fullPath),
            Name = name ?? path, ParentId = parent?.Id, Visibility = visibility, CreatedAt = Now,
        };
        db.Namespaces.Add(group);
        await db.SaveChangesAsync(ct);
        if (parent is null)
        {
            db.Memberships.Add(new Membership { UserId = user.Id, NamespaceId = group.Id, AccessLevel = AccessLevel.Owner, CreatedAt = Now });
            await db.SaveChangesAsync(ct);
        }
        return group;
    }

    public async Task<Project> CreateProjectAsync(Actor actor, string namespacePath, string path, string? name, Visibility visibility, CancellationToken ct)
    {
        var user = RequirePerson(actor, "create projects");
        ValidatePath(path, "Path");
        var ns = await locator.FindNamespaceAsync(namespacePath, ct);
        if (ns is null || !await permissions.CanSeeNamespaceAsync(actor, ns, ct)) throw RegistryError.NotFound("Namespace", "Namespace not found");
        if (await permissions.NamespaceRoleAsync(user, ns, ct) is not >= AccessLevel.Maintainer)
            throw RegistryError.Forbidden("You do not have permission to create a project in this namespace", restDetail: true);
        var fullPath = ns.FullPath + "/" + path;
        await EnsurePathFreeAsync(fullPath, ct);
        var project = new Project
        {
            NamespaceId = ns.Id, Path = path, FullPath = fullPath, FullPathKey = ProjectLocator.PathKey(fullPath),
            Name = name ?? path, Visibility = visibility, CreatedAt = Now,
        };
        db.Projects.Add(project);
        await db.SaveChangesAsync(ct);
        return project;
    }
}
