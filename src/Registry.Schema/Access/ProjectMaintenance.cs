using Microsoft.EntityFrameworkCore;
using Registry.Schema.Data;
using Registry.Schema.Identity;
using Registry.Schema.Lifecycle;

namespace Registry.Schema.Access;

/// <summary>
/// Who manages a project's package rules and policies (GitLab's <c>admin_package</c>): Maintainers, Owners and
/// administrators, with a token that may write through the API. Others are told the project is not there when they
/// cannot see it, and refused when they can.
/// </summary>
public sealed class ProjectMaintenance(RegistryDbContext db, Permissions permissions, ProjectLocator locator)
{
    public async Task<Project> FindAsync(Actor actor, string projectPath, CancellationToken ct)
    {
        var project = await locator.FindProjectAsync(projectPath, ct);
        if (project is null || !await permissions.CanSeeProjectAsync(actor, project, ct)) throw RegistryError.NotFound("Project");
        await RequireAsync(actor, project, ct);
        return project;
    }

    /// <summary>
    /// A rule by its id (tracked, to change it), in <paramref name="projectId"/> when given, with its project; a rule of a
    /// project the caller cannot see is "not found", as one that does not exist, so ids reveal nothing.
    /// </summary>
    public async Task<(T Rule, Project Project)> FindRuleAsync<T>(IQueryable<T> rules, Actor actor, long ruleId, long? projectId, CancellationToken ct)
        where T : class, IProjectRule
    {
        var rule = await rules.FirstOrDefaultAsync(r => r.Id == ruleId && (projectId == null || r.ProjectId == projectId), ct)
            ?? throw RegistryError.RecordNotFound();
        var project = await db.Projects.AsNoTracking().FirstAsync(p => p.Id == rule.ProjectId, ct);
        if (!await permissions.CanSeeProjectAsync(actor, project, ct)) throw RegistryError.RecordNotFound();
        await RequireAsync(actor, project, ct);
        return (rule, project);
    }

    public async Task RequireAsync(Actor actor, Project project, CancellationToken ct)
    {
        actor.RequireApiWriter();
        if (!(await permissions.ForProjectAsync(actor, project, ct)).Allows(ProjectAction.Maintain)) throw RegistryError.Forbidden();
    }
}
