using GraphQL;
using Microsoft.EntityFrameworkCore;
using Registry.Schema.Access;
using Registry.Schema.Data;
using Registry.Schema.GraphQL.Paging;
using Registry.Schema.GraphQL.Types;
using Registry.Schema.Identity;
using Registry.Schema.Packages;
using GraphQL.Types;

namespace Registry.Schema.GraphQL;

/// <summary>The query root. A private project or group answers null to those who may not see it, never an error.</summary>
public sealed partial class Query
{
    [Anyone]
    public static UserNode? CurrentUser([FromUserContext] RegistryUserContext ctx) =>
        ctx.Actor is { Kind: ActorKind.User, User: { } u } ? new UserNode(u) : null;

    [Anyone]
    public static async Task<ProjectNode?> Project([Id] string fullPath, [FromUserContext] RegistryUserContext ctx,
        [FromServices] PackageAuthorizer authorizer, CancellationToken ct) =>
        await authorizer.VisibleProjectAsync(ctx.Actor, ProjectLocator.PathKey(fullPath), ct) is { } project ? new ProjectNode(project) : null;

    [Anyone]
    public static async Task<GroupNode?> Group([Id] string fullPath, [FromUserContext] RegistryUserContext ctx,
        [FromServices] PackageAuthorizer authorizer, CancellationToken ct) =>
        await authorizer.VisibleNamespaceAsync(ctx.Actor, fullPath, ct) is { Kind: NamespaceKind.Group } ns ? new GroupNode(ns) : null;

    [Anyone]
    public static async Task<NamespaceNode?> Namespace([Id] string fullPath, [FromUserContext] RegistryUserContext ctx,
        [FromServices] PackageAuthorizer authorizer, CancellationToken ct) =>
        await authorizer.VisibleNamespaceAsync(ctx.Actor, fullPath, ct) is { } ns ? new NamespaceNode(ns) : null;

    [Anyone]
    [System.ComponentModel.Description("Projects you can see (GitLab's explore list). membership: only those you are a member of; " +
        "search: in names and paths (with searchNamespaces, also in the namespace's path and name); sort: <field>_<asc|desc> on " +
        "id, name, path or created (default id_desc).")]
    public static async Task<ProjectConnection> Projects([FromUserContext] RegistryUserContext ctx, [FromServices] DirectoryQueries directory,
        bool? membership = null, string? search = null, bool? searchNamespaces = null, string? sort = "id_desc",
        int? first = null, string? after = null, int? last = null, string? before = null, CancellationToken ct = default)
    {
        var (order, descending) = ListSort.ForProjects(sort);
        var query = await directory.ProjectsAsync(ctx.Actor, new ProjectListFilter(search, searchNamespaces == true, membership == true,
            Order: order, Descending: descending), ct);
        return await Pager.PageQueryAsync<Project, ProjectNode, ProjectEdge, ProjectConnection>(query, p => new ProjectNode(p),
            first, after, last, before, ct);
    }

    [Anyone]
    [System.ComponentModel.Description("Groups you can see. allAvailable: false limits to groups you reach through a membership; " +
        "ownedOnly: groups you own; topLevelOnly: no subgroups; search: in names and paths; sort: <field>_<asc|desc> on id, name or " +
        "path (default name_asc).")]
    public static async Task<GroupConnection> Groups([FromUserContext] RegistryUserContext ctx, [FromServices] DirectoryQueries directory,
        string? search = null, bool? allAvailable = true, bool? ownedOnly = null, bool? topLevelOnly = null, string? sort = "name_asc",
        int? first = null, string? after = null, int? last = null, string? before = null, CancellationToken ct = default)
    {
        var (order, descending) = ListSort.ForGroups(sort);
        var query = await directory.GroupsAsync(ctx.Actor, new GroupListFilter(search, allAvailable != false, ownedOnly == true,
            TopLevelOnly: topLevelOnly == true, Order: order, Descending: descending), ct);
        return await Pager.PageQueryAsync<Namespace, GroupNode, GroupEdge, GroupConnection>(query, g => new GroupNode(g),
            first, after, last, before, ct);
    }

    [Anyone]
    [System.ComponentModel.Description("The rules of generic package names, versions and file names (beyond GitLab): the web UI " +
        "checks names with them before an upload. The same for everyone: they are public rules.")]
    public static GenericPackageNameRulesNode GenericPackageNameRules() => GenericPackageNameRulesNode.Instance;

    [Anyone]
    [System.ComponentModel.Description("A package by its global id; null when it does not exist or you may not read it.")]
    public static async Task<PackageDetailsNode?> Package(
        [InputType(typeof(NonNullGraphType<PackagesPackageIdGraphType>))] string id,
        [FromUserContext] RegistryUserContext ctx, [FromServices] PackageQueries queries, CancellationToken ct)
    {
        if (!GlobalId.TryParse(id, GlobalId.Package, out var packageId)) return null;
        var package = await queries.FindReadableAsync(ctx.Actor, packageId, ct);
        return package is null ? null : new PackageDetailsNode(package);
    }
}
