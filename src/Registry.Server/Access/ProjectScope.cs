using Registry.Schema.Access;
using Registry.Schema.Identity;
using Registry.Schema.Packages;
using Registry.Server.Requests;

namespace Registry.Server.Access;

/// <summary>
/// What a <c>/api/v4/projects/:id/...</c> route acts on: the caller, the project and what the caller may do there,
/// and the package when the route names a <c>:package_id</c>. A handler takes it as a parameter; the route's filter
/// (<see cref="RouteRequirements.RequireProject{TBuilder}"/>) fills it before the handler runs: authenticate, validate
/// the route's arguments, authorize the action on the project, look up the package. Handlers never repeat that.
/// </summary>
public sealed class ProjectScope : RouteScope
{
    private Project? _project;

    public Project Project => _project ?? throw new InvalidOperationException("The route has no RequireProject filter");
    public ProjectAccess Access { get; private set; } = ProjectAccess.None;

    /// <summary>The <c>:package_id</c> package of the project (hidden ones only for deletes, as GitLab); null without one.</summary>
    public Package? Package { get; private set; }

    /// <summary>The route's <c>:package_file_id</c>, validated; null without one.</summary>
    public long? PackageFileId { get; private set; }

    public static ValueTask<ProjectScope?> BindAsync(HttpContext http) => ValueTask.FromResult<ProjectScope?>(new ProjectScope());

    internal static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, ProjectAction action)
    {
        var http = context.HttpContext;
        var ct = http.RequestAborted;
        var auth = await AuthenticateAndValidateAsync(context);
        var packageId = RouteIds.Optional(http, "package_id");
        var fileId = RouteIds.Optional(http, "package_file_id");

        var services = http.RequestServices;
        var (project, access) = await services.GetRequiredService<PackageAuthorizer>()
            .AuthorizeAsync(auth, RouteIds.ProjectOrGroup(http), action, ct);
        Package? package = null;
        if (packageId is { } id)
        {
            // GitLab's API shows only displayable packages, except that a hidden one can be deleted (a status=hidden
            // list offers its delete_api_path).
            package = await services.GetRequiredService<PackageQueries>().FindReadableAsync(auth.Actor, id, ct);
            if (package is null || package.ProjectId != project.Id || (action != ProjectAction.DeletePackages && package.Status == PackageStatus.Hidden))
                throw RegistryError.RecordNotFound();
        }

        var scope = context.Arguments.OfType<ProjectScope>().Single();
        scope.Authentication = auth;
        scope._project = project;
        scope.Access = access;
        scope.Package = package;
        scope.PackageFileId = fileId;
        return await next(context);
    }
}
