using Registry.Schema.Access;
using Registry.Schema.Lifecycle;
using Registry.Schema.Packages;
using Registry.Server.Access;
using Registry.Server.OpenApi;
using Registry.Server.Requests;
using Registry.Server.Responses;

namespace Registry.Server.Lifecycle;

/// <summary>
/// GitLab's protected packages API: <c>GET|POST /projects/:id/packages/protection/rules</c>,
/// <c>PATCH|DELETE .../rules/:package_protection_rule_id</c>, for Maintainers and Owners. Thin over
/// <see cref="ProtectionRuleService"/>, which GraphQL's mutations use too.
/// </summary>
public static class ProtectionRuleEndpoints
{
    private static readonly Dictionary<string, PackageType> PackageTypes = new() { ["generic"] = PackageType.Generic };

    private static readonly Dictionary<string, ProtectionAccessLevel?> PushLevels = new()
    {
        ["maintainer"] = ProtectionAccessLevel.Maintainer, ["owner"] = ProtectionAccessLevel.Owner, ["admin"] = ProtectionAccessLevel.Admin,
    };

    private static readonly Dictionary<string, ProtectionAccessLevel?> DeleteLevels = new()
    {
        ["owner"] = ProtectionAccessLevel.Owner, ["admin"] = ProtectionAccessLevel.Admin,
    };

    public static IEndpointRouteBuilder MapProtectionRules(this IEndpointRouteBuilder app)
    {
        var rules = app.MapGroup("/api/v4/projects/{id}/packages/protection/rules").RequireProject(ProjectAction.Maintain);
        rules.MapGet("", List).ProducesJson<List<ProtectionRuleJson>>();
        rules.MapPost("", Create).ProducesJson<ProtectionRuleJson>(StatusCodes.Status201Created);
        rules.MapPatch("/{package_protection_rule_id}", Update).ProducesJson<ProtectionRuleJson>();
        rules.MapDelete("/{package_protection_rule_id}", Delete).ProducesNoContent();
        return app;
    }

    private static async Task<IResult> List(ProjectScope scope, ProtectionRuleService rules, CancellationToken ct) =>
        GitLabJson.Ok((await rules.ListAsync(scope.Actor, scope.Project, ct)).Select(ProtectionRuleJson.From).ToList());

    private static async Task<IResult> Create(ProjectScope scope, HttpRequest request, ProtectionRuleService rules, CancellationToken ct)
    {
        var p = await RequestParameters.ReadAsync(request);
        var changes = new ProtectionRuleChanges(
            Change<string?>.To(p.Required("package_name_pattern")),
            Change<PackageType>.To(p.OneOf("package_type", PackageTypes, allowNull: false)),
            Change<ProtectionAccessLevel?>.To(p.OneOf("minimum_access_level_for_push", PushLevels)),
            Change<ProtectionAccessLevel?>.To(p.OneOf("minimum_access_level_for_delete", DeleteLevels)));
        var rule = await rules.CreateAsync(scope.Actor, scope.Project, changes, ct);
        return GitLabJson.Status(ProtectionRuleJson.From(rule), StatusCodes.Status201Created);
    }

    private static async Task<IResult> Update(ProjectScope scope, HttpRequest request, ProtectionRuleService rules, CancellationToken ct)
    {
        var id = RuleId(request);
        var p = await RequestParameters.ReadAsync(request);
        var changes = new ProtectionRuleChanges(
            p.ChangeOf<string?>("package_name_pattern", p.Required),
            p.ChangeOf("package_type", name => p.OneOf(name, PackageTypes, allowNull: false)),
            p.ChangeOf("minimum_access_level_for_push", name => p.OneOf(name, PushLevels)),
            p.ChangeOf("minimum_access_level_for_delete", name => p.OneOf(name, DeleteLevels)));
        return GitLabJson.Ok(ProtectionRuleJson.From(await rules.UpdateAsync(scope.Actor, id, scope.Project.Id, changes, ct)));
    }

    private static async Task<IResult> Delete(ProjectScope scope, HttpRequest request, ProtectionRuleService rules, CancellationToken ct)
    {
        await rules.DeleteAsync(scope.Actor, RuleId(request), scope.Project.Id, ct);
        return Results.NoContent();
    }

    private static long RuleId(HttpRequest request) =>
        RouteIds.Parse(request.RouteValues["package_protection_rule_id"] as string, "package_protection_rule_id");
}
