using GraphQL;
using Microsoft.EntityFrameworkCore;
using Registry.Schema.Data;
using Registry.Schema.GraphQL.Types;
using Registry.Schema.Identity;
using Registry.Schema.Packages;
using GraphQL.Types;

namespace Registry.Schema.GraphQL;

/// <summary>The query root. A private project or group answers null to those who may not see it, never an error.</summary>
public sealed partial class Query
{
    public static UserNode? CurrentUser([FromUserContext] RegistryUserContext ctx) =>
        ctx.Actor is { Kind: ActorKind.User, User: { } u } ? new UserNode(u) : null;

    public static async Task<ProjectNode?> Project([Id] string fullPath, [FromUserContext] RegistryUserContext ctx,
        [FromServices] RegistryDbContext db, [FromServices] Permissions permissions, CancellationToken ct)
    {
        var key = ProjectLocator.PathKey(fullPath);
        var project = await db.Projects.AsNoTracking().Include(p => p.Namespace).FirstOrDefaultAsync(p => p.FullPathKey == key, ct);
        return project is not null && await permissions.CanSeeProjectAsync(ctx.Actor, project, ct) ? new ProjectNode(project) : null;
    }

    public static async Task<GroupNode?> Group([Id] string fullPath, [FromUserContext] RegistryUserContext ctx,
        [FromServices] ProjectLocator locator, [FromServices] Permissions permissions, CancellationToken ct)
    {
        var ns = await locator.FindNamespaceAsync(fullPath, ct);
        return ns is { Kind: NamespaceKind.Group } && await permissions.CanSeeNamespaceAsync(ctx.Actor, ns, ct) ? new GroupNode(ns) : null;
    }

    public static async Task<NamespaceNode?> Namespace([Id] string fullPath, [FromUserContext] RegistryUserContext ctx,
        [FromServices] ProjectLocator locator, [FromServices] Permissions permissions, CancellationToken ct)
    {
        var ns = await locator.FindNamespaceAsync(fullPath, ct);
        return ns is not null && await permissions.CanSeeNamespaceAsync(ctx.Actor, ns, ct) ? new NamespaceNode(ns) : null;
    }

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
