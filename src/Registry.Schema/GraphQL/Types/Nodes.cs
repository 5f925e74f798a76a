using GraphQL;
using Microsoft.EntityFrameworkCore;
using Registry.Schema.Data;
using Registry.Schema.GraphQL.Paging;
using Registry.Schema.Identity;
using Registry.Schema.Packages;

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
    [Id] public string Id => GlobalId.For(ns.Kind == NamespaceKind.Group ? GlobalId.Group : GlobalId.UserNamespace, ns.Id);
    [Id] public string FullPath => ns.FullPath;
    public string Path => ns.Path;
    public string Name => ns.Name;
    public string Visibility => ns.Visibility.ToString().ToLowerInvariant();

    [System.ComponentModel.Description("Package settings of this namespace; its defaults until somebody changes them.")]
    public async Task<PackageSettingsNode> PackageSettings([FromServices] PackageSettingsService settings, CancellationToken ct) =>
        new(await settings.GetAsync(ns.Id, ct));
}

[Name("Group")]
public sealed partial class GroupNode(Namespace ns) : NamespaceNode(ns)
{
    [System.ComponentModel.Description("Packages of every project in this group and its subgroups that you can read.")]
    public async Task<PackageConnection> Packages([FromServices] PackageQueries queries, [FromUserContext] RegistryUserContext ctx,
        string? packageName = null, PackageTypeEnum? packageType = null, string? packageVersion = null, PackageStatus? status = null,
        PackageGroupSort? sort = null, bool? includeVersionless = null,
        int? first = null, string? after = null, int? last = null, string? before = null, CancellationToken ct = default)
    {
        var query = await queries.ForGroupAsync(ctx.Actor, Entity, PackageArguments.Filter(packageName, packageType, packageVersion, status), true, ct);
        var (order, descending) = PackageArguments.Order(sort ?? PackageGroupSort.CreatedDesc);
        return await PackagePager.PageAsync(query, order, descending, first, after, last, before, ct);
    }
}

[Name("Project")]
public sealed partial class ProjectNode(Project project)
{
    [Ignore] public Project Entity => project;
    [Id] public string Id => GlobalId.For(GlobalId.Project, project.Id);
    [Id] public string FullPath => project.FullPath;
    public string Path => project.Path;
    public string Name => project.Name;
    public string Visibility => project.Visibility.ToString().ToLowerInvariant();

    public async Task<NamespaceNode> Namespace([FromServices] RegistryDbContext db, CancellationToken ct) =>
        new(project.Namespace ?? await db.Namespaces.AsNoTracking().FirstAsync(n => n.Id == project.NamespaceId, ct));

    [System.ComponentModel.Description("Packages of this project. Hidden packages are listed only when a status is asked for.")]
    public Task<PackageConnection> Packages([FromServices] PackageQueries queries,
        string? packageName = null, PackageTypeEnum? packageType = null, string? packageVersion = null, PackageStatus? status = null,
        PackageSort? sort = null, bool? includeVersionless = null,
        int? first = null, string? after = null, int? last = null, string? before = null, CancellationToken ct = default)
    {
        var query = queries.ForProject(project.Id, PackageArguments.Filter(packageName, packageType, packageVersion, status));
        var (order, descending) = PackageArguments.Order((PackageGroupSort)(int)(sort ?? PackageSort.CreatedDesc));
        return PackagePager.PageAsync(query, order, descending, first, after, last, before, ct);
    }
}

/// <summary>Turns GraphQL's package-list arguments into the shared query's terms.</summary>
internal static class PackageArguments
{
    public static PackageFilter Filter(string? name, PackageTypeEnum? type, string? version, PackageStatus? status) =>
        new(name, type is null ? null : PackageType.Generic, version, status);

    // PackageSort's values are the first values of PackageGroupSort, in the same order.
    public static (PackageOrder, bool Descending) Order(PackageGroupSort sort) => sort switch
    {
        PackageGroupSort.CreatedAsc => (PackageOrder.CreatedAt, false),
        PackageGroupSort.CreatedDesc => (PackageOrder.CreatedAt, true),
        PackageGroupSort.NameAsc => (PackageOrder.Name, false),
        PackageGroupSort.NameDesc => (PackageOrder.Name, true),
        PackageGroupSort.VersionAsc => (PackageOrder.Version, false),
        PackageGroupSort.VersionDesc => (PackageOrder.Version, true),
        PackageGroupSort.TypeAsc => (PackageOrder.Type, false),
        PackageGroupSort.TypeDesc => (PackageOrder.Type, true),
        PackageGroupSort.ProjectPathAsc => (PackageOrder.ProjectPath, false),
        _ => (PackageOrder.ProjectPath, true),
    };
}
