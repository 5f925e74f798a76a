using Registry.Schema.Access;
using Registry.Schema.Identity;
using Registry.Schema.Packages;
using Registry.Server.Requests;

namespace Registry.Server.Access;

/// <summary>
/// The group a <c>/api/v4/groups/:id/...</c> route acts on, with the caller; filled by the route's filter
/// (<see cref="RouteRequirements.RequireGroup{TBuilder}"/>) once the caller may see the group. Which projects below it
/// the caller may read is decided per project by the handler's query.
/// </summary>
public sealed class GroupScope : RouteScope
{
    private Namespace? _group;

    public Namespace Group => _group ?? throw new InvalidOperationException("The route has no RequireGroup filter");

    public static ValueTask<GroupScope?> BindAsync(HttpContext http) => ValueTask.FromResult<GroupScope?>(new GroupScope());

    internal static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, GroupAction action)
    {
        var http = context.HttpContext;
        var auth = await AuthenticateAndValidateAsync(context);
        var group = await http.RequestServices.GetRequiredService<PackageAuthorizer>()
            .AuthorizeGroupAsync(auth, RouteIds.ProjectOrGroup(http), action, http.RequestAborted);
        var scope = context.Arguments.OfType<GroupScope>().Single();
        scope.Authentication = auth;
        scope._group = group;
        return await next(context);
    }
}
