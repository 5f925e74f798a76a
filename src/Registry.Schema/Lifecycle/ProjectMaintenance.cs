using Registry.Schema.Identity;

namespace Registry.Schema.Lifecycle;

/// <summary>
/// Who manages a project's package rules and policies (GitLab's <c>admin_package</c>): Maintainers, Owners and
/// administrators, with a token that may write through the API. Others are told the project is not there when they
/// cannot see it, and refused when they can.
/// </summary>
public sealed class ProjectMaintenance(Permissions permissions, ProjectLocator locator)
{
    public async Task<Project> FindAsync(Actor actor, string projectPath, CancellationToken ct)
    {
        var project = await locator.FindProjectAsync(projectPath, ct);
        if (project is null || !await permissions.CanSeeProjectAsync(actor, project, ct)) throw RegistryError.NotFound("Project");
        await RequireAsync(actor, project, ct);
        return project;
    }

    public async Task RequireAsync(Actor actor, Project project, CancellationToken ct)
    {
        actor.RequireApiWriter();
        if (!(await permissions.ForProjectAsync(actor, project, ct)).CanMaintain) throw RegistryError.Forbidden();
    }

    public async Task<bool> CanMaintainAsync(Actor actor, Project project, CancellationToken ct) =>
        (await permissions.ForProjectAsync(actor, project, ct)).CanMaintain;
}
