using GraphQL;
using GraphQL.Types;
using Registry.Schema.Access;
using Registry.Schema.Packages;

namespace Registry.Schema.GraphQL.Types;

/// <summary>The version-aware fields of a project (beyond GitLab): a comparison of two versions, and a delete preview.</summary>
public sealed partial class ProjectNode
{
    [System.ComponentModel.Description("Compares two versions of one package name of this project by their files. Null unless you can read the " +
        "project's packages and both ids are packages of this project you may read; an error when their names differ.")]
    [RequiresProject(ProjectAction.ReadPackages)]
    public async Task<PackageVersionComparisonNode?> PackageVersionComparison([FromServices] PackageComparer comparer,
        [FromUserContext] RegistryUserContext ctx,
        [InputType(typeof(NonNullGraphType<PackagesPackageIdGraphType>))] string baseId,
        [InputType(typeof(NonNullGraphType<PackagesPackageIdGraphType>))] string headId, CancellationToken ct)
    {
        if (!GlobalId.TryParse(baseId, GlobalId.Package, out var older) || !GlobalId.TryParse(headId, GlobalId.Package, out var newer)) return null;
        return await comparer.CompareAsync(ctx.Actor, Entity, older, newer, ct) is { } comparison ? new PackageVersionComparisonNode(comparison) : null;
    }

    [System.ComponentModel.Description("Exactly what `destroyPackages` with these ids (packages of this project) would delete now, by the same " +
        "rules. Null unless you may delete the project's packages; an error when an id is not a package of this project.")]
    [RequiresProject(ProjectAction.DeletePackages)]
    public async Task<PackagesDestroyPreviewNode?> PackagesDestroyPreview([FromServices] PackageDestroyer destroyer,
        [FromUserContext] RegistryUserContext ctx,
        [InputType(typeof(NonNullGraphType<ListGraphType<NonNullGraphType<PackagesPackageIdGraphType>>>))] List<string> ids, CancellationToken ct) =>
        new(await destroyer.PlanPackagesAsync(ctx.Actor, ids.Select(id => Mutation.ParseId(id, GlobalId.Package)).ToList(), Entity.Id, ct));
}
