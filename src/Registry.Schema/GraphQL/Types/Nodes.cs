using GraphQL;
using GraphQL.DataLoader;
using Microsoft.EntityFrameworkCore;
using Registry.Schema.Access;
using Registry.Schema.Data;
using Registry.Schema.GraphQL.Loading;
using Registry.Schema.GraphQL.Paging;
using Registry.Schema.Identity;
using Registry.Schema.Packages;

namespace Registry.Schema.GraphQL.Types;

[Name("UserCore")]
public sealed partial class UserNode(User user)
{
    [Id] public string Id => GlobalId.For(GlobalId.User, user.Id);
    public string Username => user.Username;
    public string Name => user.Name;
    [System.ComponentModel.Description("Whether the user is an administrator.")]
    public bool Admin => user.IsAdmin;
    [System.ComponentModel.Description("Indicates if the user is a bot (the user of a project or group access token).")]
    public bool Bot => user.IsBot;
    [System.ComponentModel.Description("Whether an administrator blocked the user: their tokens and sessions are refused.")]
    public bool Blocked => user.IsBlocked;
    [System.ComponentModel.Description("GitLab's user state: active or blocked.")]
    public string State => user.IsBlocked ? "blocked" : "active";
    [System.ComponentModel.Description("Web URL of the user.")]
    public string WebUrl([FromUserContext] RegistryUserContext ctx) => ctx.WebUrl(WebPaths.User(user));
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

    [System.ComponentModel.Description("Full name of the namespace: the names on its path, joined with \" / \".")]
    public IDataLoaderResult<string> FullName([FromServices] RequestLoaders loaders) =>
        loaders.FullNames.Load(ns.FullPathKey).Select(name => name ?? ns.Name);

    [System.ComponentModel.Description("Package settings of this namespace; its defaults until somebody changes them.")]
    public async Task<PackageSettingsNode> PackageSettings([FromServices] PackageSettingsService settings, CancellationToken ct) =>
        new(await settings.ViewAsync(ns, ct));
}

[Name("Group")]
public sealed partial class GroupNode(Namespace ns) : NamespaceNode(ns)
{
    [System.ComponentModel.Description("Web URL of the group.")]
    public string WebUrl([FromUserContext] RegistryUserContext ctx) => ctx.WebUrl(WebPaths.Group(Entity));

    [System.ComponentModel.Description("Timestamp of the group creation.")]
    public DateTime CreatedAt => PackageNode.Utc(Entity.CreatedAt);

    [System.ComponentModel.Description("Parent group; null for a top-level group or one you cannot see.")]
    public async Task<GroupNode?> Parent([FromServices] RequestLoaders loaders, [FromServices] Permissions permissions,
        [FromUserContext] RegistryUserContext ctx, CancellationToken ct)
    {
        if (Entity.ParentId is not long parentId) return null;
        var parent = await loaders.Namespaces.Load(parentId).GetResultAsync(ct);
        return parent is not null && await permissions.CanSeeNamespaceAsync(ctx.Actor, parent, ct) ? new GroupNode(parent) : null;
    }

    [System.ComponentModel.Description("Projects of this group (and of its subgroups with includeSubgroups) that you can see.")]
    public async Task<ProjectConnection> Projects([FromServices] DirectoryQueries directory, [FromUserContext] RegistryUserContext ctx,
        bool? includeSubgroups = false, string? search = null,
        int? first = null, string? after = null, int? last = null, string? before = null, CancellationToken ct = default)
    {
        var query = await directory.ProjectsAsync(ctx.Actor, new ProjectListFilter(search, GroupId: Entity.Id,
            IncludeSubgroups: includeSubgroups == true, Order: ProjectOrder.Id), ct);
        return await Pager.PageQueryAsync<Project, ProjectNode, ProjectEdge, ProjectConnection>(query, p => new ProjectNode(p),
            first, after, last, before, ct);
    }

    [System.ComponentModel.Description("Group access tokens (active, expired and revoked); null unless you are an Owner of the group.")]
    public Task<List<AccessTokenNode>?> AccessTokens([FromServices] ResourceAccessTokens tokens, [FromUserContext] RegistryUserContext ctx,
        CancellationToken ct) => AccessTokenNode.ListAsync(tokens, ctx.Actor, TokenResource.Of(Entity), ct);

    [System.ComponentModel.Description("Packages of every project in this group and its subgroups that you can read.")]
    public async Task<PackageConnection> Packages([FromServices] PackageQueries queries, [FromUserContext] RegistryUserContext ctx,
        string? packageName = null, PackageTypeEnum? packageType = null, string? packageVersion = null, PackageStatus? status = null,
        PackageGroupSort? sort = null, bool? includeVersionless = null,
        int? first = null, string? after = null, int? last = null, string? before = null, CancellationToken ct = default)
    {
        var list = await queries.ListForGroupAsync(ctx.Actor, Entity, PackageArguments.Filter(packageName, packageType, packageVersion, status), true, ct);
        var (order, descending) = PackageArguments.Order(sort ?? PackageGroupSort.CreatedDesc);
        return await PackagePager.PageAsync(list, order, descending, first, after, last, before, ct);
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

    [System.ComponentModel.Description("Timestamp of the project creation.")]
    public DateTime CreatedAt => PackageNode.Utc(project.CreatedAt);

    [System.ComponentModel.Description("Web URL of the project.")]
    public string WebUrl([FromUserContext] RegistryUserContext ctx) => ctx.WebUrl(WebPaths.Project(project));

    [System.ComponentModel.Description("Full name of the project with its namespace (\"Acme / Tools / app\").")]
    public IDataLoaderResult<string> NameWithNamespace([FromServices] RequestLoaders loaders) =>
        project.Namespace is { } ns
            // Batched: a page of projects asks for the names of its namespaces in one query.
            ? loaders.FullNames.Load(ns.FullPathKey).Select(name => (name ?? ns.Name) + " / " + project.Name)
            : DataLoaderResultExtensions.Deferred(async ct =>
            {
                var loaded = await NamespaceOfAsync(loaders, ct);
                return (await loaders.FullNames.Load(loaded.FullPathKey).GetResultAsync(ct) ?? loaded.Name) + " / " + project.Name;
            });

    public async Task<NamespaceNode> Namespace([FromServices] RequestLoaders loaders, CancellationToken ct) =>
        new(await NamespaceOfAsync(loaders, ct));

    [System.ComponentModel.Description("Group of the project; null for a project in a personal namespace or in a group you cannot see.")]
    public async Task<GroupNode?> Group([FromServices] RequestLoaders loaders, [FromServices] Permissions permissions,
        [FromUserContext] RegistryUserContext ctx, CancellationToken ct)
    {
        var ns = await NamespaceOfAsync(loaders, ct);
        return ns.Kind == NamespaceKind.Group && await permissions.CanSeeNamespaceAsync(ctx.Actor, ns, ct) ? new GroupNode(ns) : null;
    }

    [System.ComponentModel.Description("Project access tokens (active, expired and revoked); null unless you are a Maintainer of the project.")]
    public Task<List<AccessTokenNode>?> AccessTokens([FromServices] ResourceAccessTokens tokens, [FromUserContext] RegistryUserContext ctx,
        CancellationToken ct) => AccessTokenNode.ListAsync(tokens, ctx.Actor, TokenResource.Of(project), ct);

    [System.ComponentModel.Description("Packages of this project. Hidden packages are listed only when a status is asked for.")]
    public async Task<PackageConnection> Packages([FromServices] PackageQueries queries,
        string? packageName = null, PackageTypeEnum? packageType = null, string? packageVersion = null, PackageStatus? status = null,
        PackageSort? sort = null, bool? includeVersionless = null,
        int? first = null, string? after = null, int? last = null, string? before = null, CancellationToken ct = default)
    {
        var list = await queries.ListForProjectAsync(project.Id, PackageArguments.Filter(packageName, packageType, packageVersion, status), ct);
        var (order, descending) = PackageArguments.Order((PackageGroupSort)(int)(sort ?? PackageSort.CreatedDesc));
        return await PackagePager.PageAsync(list, order, descending, first, after, last, before, ct);
    }

    private async Task<Namespace> NamespaceOfAsync(RequestLoaders loaders, CancellationToken ct) =>
        project.Namespace ?? (await loaders.Namespaces.Load(project.NamespaceId).GetResultAsync(ct))!;
}

[Name("ProjectEdge")] public sealed class ProjectEdge : Edge<ProjectNode>;
[Name("ProjectConnection")] public sealed class ProjectConnection : Connection<ProjectNode, ProjectEdge>;
[Name("GroupEdge")] public sealed class GroupEdge : Edge<GroupNode>;
[Name("GroupConnection")] public sealed class GroupConnection : Connection<GroupNode, GroupEdge>;

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
