using GraphQL;
using Microsoft.EntityFrameworkCore;
using Registry.Schema.Data;
using Registry.Schema.Identity;

namespace Registry.Schema.GraphQL.Types;

[Name("UserCore")]
public sealed class UserNode(User user)
{
    [Id] public string Id => GlobalId.For(GlobalId.User, user.Id);
    public string Username => user.Username;
    public string Name => user.Name;
    [System.ComponentModel.Description("Whether the user is an administrator.")]
    public bool Admin => user.IsAdmin;
}

[Name("Namespace")]
public class NamespaceNode(Namespace ns)
{
    [Ignore] public Namespace Entity => ns;
    [Id] public string Id => GlobalId.For(ns.Kind == NamespaceKind.Group ? GlobalId.Group : "Namespaces::UserNamespace", ns.Id);
    [Id] public string FullPath => ns.FullPath;
    public string Path => ns.Path;
    public string Name => ns.Name;
    public string Visibility => ns.Visibility.ToString().ToLowerInvariant();
}

[Name("Group")]
public sealed class GroupNode(Namespace ns) : NamespaceNode(ns)
{
}

[Name("Project")]
public sealed class ProjectNode(Project project)
{
    [Ignore] public Project Entity => project;
    [Id] public string Id => GlobalId.For(GlobalId.Project, project.Id);
    [Id] public string FullPath => project.FullPath;
    public string Path => project.Path;
    public string Name => project.Name;
    public string Visibility => project.Visibility.ToString().ToLowerInvariant();
    public async Task<NamespaceNode> Namespace([FromServices] RegistryDbContext db, CancellationToken ct) =>
        new(project.Namespace ?? await db.Namespaces.AsNoTracking().FirstAsync(n => n.Id == project.NamespaceId, ct));
}
