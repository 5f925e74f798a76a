using Registry.Schema.Access;
using Registry.Schema.Lifecycle;
using Registry.Schema.Packages;
using Registry.Server.Access;
using Registry.Server.OpenApi;
using Registry.Server.PackagesApi;
using Registry.Server.Requests;
using Registry.Server.Responses;

namespace Registry.Server.Lifecycle;

/// <summary>
/// Retention rules (beyond GitLab), for Maintainers and Owners: <c>GET|POST /projects/:id/packages/retention/rules</c>,
/// <c>PATCH|DELETE .../rules/:rule_id</c>, <c>GET .../retention/dry_run</c> (exactly what a run would delete now) and
/// <c>POST .../retention/run</c>; <c>rule_id</c> narrows a dry run or run to one rule.
/// </summary>
public static class RetentionEndpoints
{
    private static readonly Dictionary<string, PackageStatus?> Statuses = new()
    {
        ["default"] = PackageStatus.Default, ["hidden"] = PackageStatus.Hidden,
    };

    public static IEndpointRouteBuilder MapRetention(this IEndpointRouteBuilder app)
    {
        var retention = app.MapGroup("/api/v4/projects/{id}/packages/retention").RequireProject(ProjectAction.Maintain);
        retention.MapGet("/rules", List).ProducesJson<List<RetentionRuleJson>>();
        retention.MapPost("/rules", Create).ProducesJson<RetentionRuleJson>(StatusCodes.Status201Created);
        retention.MapPatch("/rules/{rule_id}", Update).ProducesJson<RetentionRuleJson>();
        retention.MapDelete("/rules/{rule_id}", Delete).ProducesNoContent();
        retention.MapGet("/dry_run", DryRun).ProducesJson<List<RetentionCandidateJson>>();
        retention.MapPost("/run", Run).ProducesJson<List<RetentionCandidateJson>>();
        return app;
    }

    private static async Task<IResult> List(ProjectScope scope, RetentionRuleService rules, CancellationToken ct) =>
        GitLabJson.Ok((await rules.ListAsync(scope.Actor, scope.Project, ct)).Select(RetentionRuleJson.From).ToList());

    private static async Task<IResult> Create(ProjectScope scope, HttpRequest request, RetentionRuleService rules, CancellationToken ct)
    {
        var p = await RequestParameters.ReadAsync(request);
        var changes = new RetentionRuleChanges(
            Change<string?>.To(p.Required("package_name_pattern")), Change<string?>.To(p["exclude_package_name_pattern"]),
            Change<string?>.To(p["exclude_version_pattern"]), Change<int?>.To(p.Integer("older_than_days")),
            Change<int?>.To(p.Integer("keep_newest_versions")), Change<int?>.To(p.Integer("not_downloaded_for_days")),
            Change<PackageStatus?>.To(p.OneOf("package_status", Statuses)), Change<bool>.To(p.Boolean("delete_newest_version") ?? false),
            Change<bool>.To(p.Boolean("enabled") ?? true));
        return GitLabJson.Status(RetentionRuleJson.From(await rules.CreateAsync(scope.Actor, scope.Project, changes, ct)), StatusCodes.Status201Created);
    }

    private static async Task<IResult> Update(ProjectScope scope, HttpRequest request, RetentionRuleService rules, CancellationToken ct)
    {
        var id = RouteIds.Parse(request.RouteValues["rule_id"] as string, "rule_id");
        var p = await RequestParameters.ReadAsync(request);
        var changes = new RetentionRuleChanges(
            p.ChangeOf<string?>("package_name_pattern", p.Required),
            p.ChangeOf("exclude_package_name_pattern", name => p[name]),
            p.ChangeOf("exclude_version_pattern", name => p[name]),
            p.ChangeOf("older_than_days", p.Integer),
            p.ChangeOf("keep_newest_versions", p.Integer),
            p.ChangeOf("not_downloaded_for_days", p.Integer),
            p.ChangeOf("package_status", name => p.OneOf(name, Statuses)),
            Change.UnlessNull(p.Boolean("delete_newest_version")),
            Change.UnlessNull(p.Boolean("enabled")));
        return GitLabJson.Ok(RetentionRuleJson.From(await rules.UpdateAsync(scope.Actor, id, scope.Project.Id, changes, ct)));
    }

    private static async Task<IResult> Delete(ProjectScope scope, HttpRequest request, RetentionRuleService rules, CancellationToken ct)
    {
        await rules.DeleteAsync(scope.Actor, RouteIds.Parse(request.RouteValues["rule_id"] as string, "rule_id"), scope.Project.Id, ct);
        return Results.NoContent();
    }

    private static async Task<IResult> DryRun(ProjectScope scope, HttpRequest request, RetentionRuleService rules, CancellationToken ct) =>
        Candidates(scope, request, await rules.DryRunAsync(scope.Actor, scope.Project, OptionalRuleId(request), ct));

    private static async Task<IResult> Run(ProjectScope scope, HttpRequest request, RetentionRuleService rules, CancellationToken ct)
    {
        var p = await RequestParameters.ReadAsync(request);
        var ruleId = p["rule_id"] is { Length: > 0 } text ? RouteIds.Parse(text, "rule_id") : (long?)null;
        return Candidates(scope, request, await rules.RunNowAsync(scope.Actor, scope.Project, ruleId, ct));
    }

    private static long? OptionalRuleId(HttpRequest request) =>
        QueryParameters.Value(request.Query, "rule_id") is { } text ? RouteIds.Parse(text, "rule_id") : null;

    private static IResult Candidates(ProjectScope scope, HttpRequest request, List<RetentionCandidate> candidates) =>
        GitLabJson.Ok(candidates.Select(c => new RetentionCandidateJson(
            PackageJson.From(c.Package, scope.Project, request, scope.Access.CanDelete, inGroupList: false), c.RuleIds)).ToList());
}
